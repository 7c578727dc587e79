// Tickets: questions waiting for an agency. Codes are random and unguessable; due dates count
// working days in Vietnam's time zone.
import { randomInt } from 'node:crypto';
import type { Queryable } from '../db/index.ts';

// Crockford's base32 without I, L, O, U: no look-alike characters to misread over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** "HD-7K3MQ-9XD2F": 50 random bits. */
export function newTicketCode(): string {
  const part = () => Array.from({ length: 5 }, () => ALPHABET[randomInt(32)]).join('');
  return `HD-${part()}-${part()}`;
}

const VN_OFFSET_MS = 7 * 3600_000;

/** `days` working days after `from` (Saturdays and Sundays skipped, in UTC+7), at the same time of day. */
export function addWorkingDays(from: Date, days: number): Date {
  let local = new Date(from.getTime() + VN_OFFSET_MS);
  let left = days;
  while (left > 0) {
    local = new Date(local.getTime() + 86_400_000);
    const dow = local.getUTCDay();
    if (dow !== 0 && dow !== 6) left--;
  }
  return new Date(local.getTime() - VN_OFFSET_MS);
}

/** "17:30 ngày 27/11/2026" in Vietnam's time. */
export function formatDue(d: Date, lang: 'vi' | 'en'): string {
  const l = new Date(d.getTime() + VN_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${p(l.getUTCDate())}/${p(l.getUTCMonth() + 1)}/${l.getUTCFullYear()}`;
  const time = `${p(l.getUTCHours())}:${p(l.getUTCMinutes())}`;
  return lang === 'vi' ? `${time} ngày ${date}` : `${time} on ${date} (Vietnam time)`;
}

export interface TicketRow {
  id: number;
  code: string;
  conversation_id: string;
  agency: string;
  status: 'new' | 'claimed' | 'waiting_citizen' | 'answered' | 'closed';
  reason: string;
  /** Masked; the raw words are in question_sealed for the owning agency (src/privacy/reveal.ts). */
  question: string;
  question_sealed?: string | null;
  channel: string;
  lang: string;
  due_at: Date;
  created_at: Date;
  /** The officer's answer, once there is one. */
  answer?: string | null;
}

export async function findTicketByCode(db: Queryable, code: string): Promise<TicketRow | null> {
  const rows = await db.query<TicketRow>('SELECT * FROM tickets WHERE code = $1', [code.toUpperCase()]);
  return rows[0] ?? null;
}
