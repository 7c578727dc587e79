// The agency dashboard: how much is asked, how much the assistant answers itself, how fast staff
// answer the rest, what is overdue, which topics the knowledge base lacks, and how satisfied
// citizens are. Also the CSV export of the agency's tickets.
import type { Queryable } from '../db/index.ts';
import { contentTerms } from '../text/content.ts';
import { fold } from '../text/normalize.ts';
import type { Actor } from './queue.ts';

export interface Dashboard {
  agency: string | null;
  days: number;
  volume: number;
  answered: number;
  escalated: number;
  answeredShare: number | null;
  tickets: { created: number; answered: number; open: number; overdue: number };
  medianHoursToAnswer: number | null;
  satisfaction: { helpful: number; notHelpful: number; share: number | null };
  topics: { topic: string; count: number }[];
}

export async function dashboard(db: Queryable, actor: Actor, days = 30, agencyWanted?: string): Promise<Dashboard> {
  const agency = actor.role === 'admin' ? (agencyWanted ?? null) : actor.agency;
  const since = `now() - make_interval(days => $1::int)`;
  const byAgency = (col: string, n: number) => (agency ? `AND ${col} = $${n}` : '');
  const params: unknown[] = agency ? [days, agency] : [days];
  const [a] = await db.query<{ volume: number; answered: number; escalated: number }>(
    `SELECT count(*)::int AS volume, count(*) FILTER (WHERE status = 'answered')::int AS answered,
            count(*) FILTER (WHERE status = 'escalated')::int AS escalated
     FROM answers WHERE created_at >= ${since} ${byAgency('agency', 2)}`,
    params,
  );
  const [t] = await db.query<{ created: number; answered: number; open: number; overdue: number; median_s: number | null }>(
    `SELECT count(*)::int AS created,
            count(*) FILTER (WHERE answered_at IS NOT NULL)::int AS answered,
            count(*) FILTER (WHERE status IN ('new', 'claimed', 'waiting_citizen'))::int AS open,
            count(*) FILTER (WHERE status IN ('new', 'claimed', 'waiting_citizen') AND due_at < now())::int AS overdue,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - created_at)) FILTER (WHERE answered_at IS NOT NULL) AS median_s
     FROM tickets WHERE created_at >= ${since} ${byAgency('agency', 2)}`,
    params,
  );
  const [f] = await db.query<{ helpful: number; not_helpful: number }>(
    `SELECT count(*) FILTER (WHERE f.helpful)::int AS helpful, count(*) FILTER (WHERE NOT f.helpful)::int AS not_helpful
     FROM answer_feedback f JOIN answers a ON a.id = f.answer_id WHERE f.created_at >= ${since} ${byAgency('a.agency', 2)}`,
    params,
  );
  // The content gap: words and phrases that keep coming back in questions the assistant could not answer.
  const questions = await db.query<{ question: string }>(
    `SELECT question FROM tickets WHERE created_at >= ${since} ${byAgency('agency', 2)} AND reason IN ('low_confidence', 'no_content', 'unverified') LIMIT 5000`,
    params,
  );
  const counts = new Map<string, number>();
  // Terms are folded ("che do"); officers read them as citizens wrote them ("chế độ").
  const surface = new Map<string, string>();
  for (const q of questions) {
    const words = q.question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    for (let i = 0; i + 1 < words.length; i++) {
      const key = fold(`${words[i]} ${words[i + 1]}`);
      if (!surface.has(key)) surface.set(key, `${words[i]} ${words[i + 1]}`);
    }
    for (const term of new Set(contentTerms(q.question).filter((x) => x.includes(' ')))) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  const topics = [...counts]
    .filter(([, n]) => n >= 2)
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .slice(0, 10)
    .map(([term, count]) => ({ topic: surface.get(term) ?? term, count }));
  const decided = a!.answered + a!.escalated;
  const rated = f!.helpful + f!.not_helpful;
  return {
    agency,
    days,
    volume: a!.volume,
    answered: a!.answered,
    escalated: a!.escalated,
    answeredShare: decided ? a!.answered / decided : null,
    tickets: { created: t!.created, answered: t!.answered, open: t!.open, overdue: t!.overdue },
    medianHoursToAnswer: t!.median_s === null ? null : Number(t!.median_s) / 3600,
    satisfaction: { helpful: f!.helpful, notHelpful: f!.not_helpful, share: rated ? f!.helpful / rated : null },
    topics,
  };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  // A leading = + - @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export async function ticketsCsv(db: Queryable, actor: Actor, days = 30): Promise<string> {
  const params: unknown[] = actor.role === 'admin' ? [days] : [days, actor.agency];
  const rows = await db.query<Record<string, unknown>>(
    `SELECT t.code, t.agency, t.status, t.priority, t.channel, t.created_at, t.due_at,
            (t.status IN ('new', 'claimed', 'waiting_citizen') AND t.due_at < now()) AS overdue,
            t.answered_at, s.name AS officer, t.question, t.answer
     FROM tickets t LEFT JOIN staff s ON s.id = t.claimed_by
     WHERE t.created_at >= now() - make_interval(days => $1::int) ${actor.role === 'admin' ? '' : 'AND t.agency = $2'} ORDER BY t.id`,
    params,
  );
  const cols = ['code', 'agency', 'status', 'priority', 'channel', 'created_at', 'due_at', 'overdue', 'answered_at', 'officer', 'question', 'answer'];
  return `\uFEFF${[cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\r\n')}\r\n`;
}
