import { describe, expect, it } from 'vitest';
import { addWorkingDays, formatDue, newTicketCode } from './tickets.ts';

describe('tickets', () => {
  it('draws codes from a 50-bit space without look-alike letters', () => {
    const codes = new Set(Array.from({ length: 2000 }, newTicketCode));
    expect(codes.size).toBe(2000);
    for (const c of codes) expect(c).toMatch(/^HD-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it('counts working days in Vietnam time, skipping the weekend', () => {
    // Friday 2026-11-27 10:00 in Hà Nội (03:00 UTC) + 1 working day = Monday 2026-11-30.
    expect(addWorkingDays(new Date('2026-11-27T03:00:00Z'), 1).toISOString()).toBe('2026-11-30T03:00:00.000Z');
    // Sunday 23:30 in Hà Nội (still Saturday in UTC) + 5 working days = Friday 23:30 there.
    expect(addWorkingDays(new Date('2026-11-28T16:30:00Z'), 5).toISOString()).toBe('2026-12-04T16:30:00.000Z');
    // Monday 2026-11-23 + 5 working days = Monday 2026-11-30.
    expect(addWorkingDays(new Date('2026-11-23T03:00:00Z'), 5).toISOString()).toBe('2026-11-30T03:00:00.000Z');
  });

  it('formats the due date in Vietnam time', () => {
    expect(formatDue(new Date('2026-11-30T10:30:00Z'), 'vi')).toBe('17:30 ngày 30/11/2026');
    expect(formatDue(new Date('2026-11-30T10:30:00Z'), 'en')).toBe('17:30 on 30/11/2026 (Vietnam time)');
  });
});
