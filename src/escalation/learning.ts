// The learning loop: an officer proposes an answer for the Q&A history, a supervisor of the same
// agency approves it, and it becomes a Q&A unit (agency, date, sources) searchable at once, so the
// next citizen with the same question is answered from it, with a citation.
import type { z } from 'zod';
import type { Db, Queryable } from '../db/index.ts';
import type { Embedder } from '../embed/index.ts';
import { ingestDocuments } from '../ingest/pipeline.ts';
import { qaDocument, type qaSourceSchema } from '../ingest/readers/qa.ts';
import { QueueError, type Actor } from './queue.ts';
import { maskPersonal } from '../text/personal.ts';

export type QaSource = z.infer<typeof qaSourceSchema>;

export interface Proposal {
  id: number;
  ticket_id: number | null;
  ticket_code: string | null;
  agency: string;
  question: string;
  answer: string;
  sources: QaSource[];
  status: 'proposed' | 'approved' | 'rejected';
  proposed_by: number | null;
  proposed_by_name: string | null;
  decided_at: Date | null;
  document_id: number | null;
  created_at: Date;
}

const COLUMNS = `p.*, t.code AS ticket_code, s.name AS proposed_by_name`;
const FROM = `qa_proposals p LEFT JOIN tickets t ON t.id = p.ticket_id LEFT JOIN staff s ON s.id = p.proposed_by`;

export async function propose(
  db: Queryable,
  actor: Actor,
  ticket: { id: number; agency: string },
  p: { question: string; answer: string; sources: QaSource[] },
): Promise<Proposal> {
  const [row] = await db.query<{ id: number }>(
    'INSERT INTO qa_proposals (ticket_id, agency, question, answer, sources, proposed_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    // An approved proposal becomes a public Q&A: nobody's numbers may go with it.
    [ticket.id, ticket.agency, maskPersonal(p.question), maskPersonal(p.answer), JSON.stringify(p.sources), actor.id],
  );
  return (await getProposal(db, actor, row!.id))!;
}

export async function getProposal(db: Queryable, actor: Actor, id: number): Promise<Proposal | null> {
  const [p] = await db.query<Proposal>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.id = $1`, [id]);
  if (!p || (actor.role !== 'admin' && p.agency !== actor.agency)) return null;
  return p;
}

export async function listProposals(db: Queryable, actor: Actor, status: Proposal['status'] = 'proposed'): Promise<Proposal[]> {
  return actor.role === 'admin'
    ? db.query<Proposal>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.status = $1 ORDER BY p.id`, [status])
    : db.query<Proposal>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.status = $1 AND p.agency = $2 ORDER BY p.id`, [status, actor.agency]);
}

/** Approves a proposal (supervisors and admins) and writes it into the knowledge base as a Q&A unit. */
export async function approve(deps: { db: Db; embedder: Embedder; now: () => Date }, actor: Actor, id: number): Promise<Proposal> {
  if (actor.role === 'officer') throw new QueueError(403, 'supervisor_only');
  const p = await getProposal(deps.db, actor, id);
  if (!p) throw new QueueError(404, 'proposal_not_found');
  if (p.status !== 'proposed') throw new QueueError(409, 'already_decided');
  const date = deps.now().toISOString().slice(0, 10);
  const doc = qaDocument({ id: `staff-${p.id}`, question: p.question, answer: p.answer, agency: p.agency, date, sources: p.sources }, 0, 'staff');
  const [written] = await ingestDocuments(deps, [{ input: doc, source: 'staff' }]);
  await deps.db.query(`UPDATE qa_proposals SET status = 'approved', decided_by = $2, decided_at = now(), document_id = $3 WHERE id = $1`, [id, actor.id, written!.id]);
  return (await getProposal(deps.db, actor, id))!;
}

export async function reject(db: Queryable, actor: Actor, id: number): Promise<Proposal> {
  if (actor.role === 'officer') throw new QueueError(403, 'supervisor_only');
  const p = await getProposal(db, actor, id);
  if (!p) throw new QueueError(404, 'proposal_not_found');
  if (p.status !== 'proposed') throw new QueueError(409, 'already_decided');
  await db.query(`UPDATE qa_proposals SET status = 'rejected', decided_by = $2, decided_at = now() WHERE id = $1`, [id, actor.id]);
  return (await getProposal(db, actor, id))!;
}
