// New-ticket notifications to agencies: a JSON POST to the agency's `notifyUrl`, signed with
// HMAC-SHA256 over "<timestamp>.<body>" (header X-Hoidap-Signature: sha256=<hex>, timestamp in
// X-Hoidap-Timestamp, seconds) so the agency's system can check it came from hoidap, recently.
import { createHmac } from 'node:crypto';
import type { AgencyDirectory } from './agencies.ts';

export interface TicketCreated {
  code: string;
  agency: string;
  dueAt: Date;
  question: string;
  channel: string;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const NOTIFY_TIMEOUT_MS = 5000;

export function createNotifier(deps: {
  agencies: AgencyDirectory;
  secret: string | undefined;
  fetch?: typeof fetch;
  now: () => Date;
  log: (level: 'info' | 'warn', msg: string, f?: Record<string, unknown>) => void;
  publicUrl?: string | undefined;
}) {
  const doFetch = deps.fetch ?? fetch;
  return {
    /** Sends the notification; failures are logged, never thrown (the ticket is already stored). */
    async ticketCreated(t: TicketCreated): Promise<'sent' | 'skipped' | 'failed'> {
      const agency = deps.agencies.get(t.agency);
      if (!agency?.notifyUrl) return 'skipped';
      if (!deps.secret) {
        deps.log('warn', 'agency notification not sent: AGENCY_WEBHOOK_SECRET is not set', { agency: agency.id });
        return 'skipped';
      }
      const body = JSON.stringify({
        event: 'ticket.created',
        ticket: { code: t.code, agency: t.agency, dueAt: t.dueAt.toISOString(), channel: t.channel, question: t.question },
        ...(deps.publicUrl ? { consoleUrl: `${deps.publicUrl.replace(/\/$/, '')}/staff/tickets/${t.code}` } : {}),
      });
      const ts = String(Math.floor(deps.now().getTime() / 1000));
      try {
        const res = await doFetch(agency.notifyUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hoidap-event': 'ticket.created', 'x-hoidap-timestamp': ts, 'x-hoidap-signature': signature(deps.secret, ts, body) },
          body,
          signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
        });
        if (!res.ok) {
          deps.log('warn', 'agency notification refused', { agency: agency.id, status: res.status });
          return 'failed';
        }
        return 'sent';
      } catch (e) {
        deps.log('warn', 'agency notification failed', { agency: agency.id, error: e instanceof Error ? e.message : String(e) });
        return 'failed';
      }
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
