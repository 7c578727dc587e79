// Staff accounts, sessions and API tokens. Passwords are hashed with scrypt (memory-hard, from
// node:crypto); session cookies and API tokens are random 256-bit values of which only a SHA-256
// is stored; every session has its own CSRF token that state-changing requests must echo.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import type { Actor, Role } from '../escalation/queue.ts';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, len, opts, (e, key) => (e ? reject(e) : resolve(key))));

// N = 2^15, r = 8: 32 MiB per hash, about 0.1 s on this hardware (OWASP's scrypt minimum is 2^17
// with r = 8 and p = 1 or an equivalent; N·p is what matters, so p = 4 at 2^15 would match it).
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 };
const MAXMEM = 128 * SCRYPT.N * SCRYPT.r * 2;

export async function hashPassword(password: string, params = SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params.keyLength, { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, { N, r, p, maxmem: Math.max(MAXMEM, 128 * N * r * 2) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A dummy hash to verify against when the email is unknown, so both cases take the same time. */
let dummyHash: Promise<string> | null = null;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export interface StaffRow {
  id: number;
  email: string;
  name: string;
  agency: string;
  role: Role;
  password_hash: string;
  disabled: boolean;
}

export const toActor = (s: Pick<StaffRow, 'id' | 'agency' | 'role' | 'name'>): Actor => ({ id: s.id, agency: s.agency, role: s.role, name: s.name });

export async function addStaff(db: Queryable, s: { email: string; name: string; agency: string; role: Role; password: string }): Promise<StaffRow> {
  const hash = await hashPassword(s.password);
  const [row] = await db.query<StaffRow>(
    `INSERT INTO staff (email, name, agency, role, password_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, agency = EXCLUDED.agency, role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, disabled = false
     RETURNING *`,
    [s.email.trim().toLowerCase(), s.name, s.agency, s.role, hash],
  );
  return row!;
}

/** The staff member for these credentials, or null (unknown email, wrong password, disabled). */
export async function checkLogin(db: Queryable, email: string, password: string): Promise<StaffRow | null> {
  const [row] = await db.query<StaffRow>('SELECT * FROM staff WHERE email = $1', [email.trim().toLowerCase()]);
  if (!row) {
    await verifyPassword(password, await (dummyHash ??= hashPassword('not a password')));
    return null;
  }
  const ok = await verifyPassword(password, row.password_hash);
  return ok && !row.disabled ? row : null;
}

export const SESSION_HOURS = 8;

export interface Session {
  token: string;
  csrf: string;
  expiresAt: Date;
}

export async function createSession(db: Queryable, staffId: number, now: Date, hours = SESSION_HOURS): Promise<Session> {
  const token = randomToken();
  const csrf = randomToken(24);
  const expiresAt = new Date(now.getTime() + hours * 3600_000);
  await db.query('INSERT INTO staff_sessions (token_hash, staff_id, csrf, expires_at) VALUES ($1, $2, $3, $4)', [sha256(token), staffId, csrf, expiresAt]);
  // Old sessions are swept now and then rather than by a timer.
  await db.query('DELETE FROM staff_sessions WHERE expires_at < $1', [new Date(now.getTime() - 24 * 3600_000)]);
  return { token, csrf, expiresAt };
}

export type SessionLookup = { staff: StaffRow; csrf: string } | { expired: true } | null;

export async function findSession(db: Queryable, token: string, now: Date): Promise<SessionLookup> {
  const [row] = await db.query<StaffRow & { csrf: string; expires_at: Date }>(
    'SELECT s.*, x.csrf, x.expires_at FROM staff_sessions x JOIN staff s ON s.id = x.staff_id WHERE x.token_hash = $1',
    [sha256(token)],
  );
  if (!row) return null;
  if (new Date(row.expires_at) <= now || row.disabled) return { expired: true };
  return { staff: row, csrf: row.csrf };
}

export async function endSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM staff_sessions WHERE token_hash = $1', [sha256(token)]);
}

/** A new API token for a staff member: "hd_…", shown once. */
export async function createApiToken(db: Queryable, staffId: number, name: string, expiresAt: Date | null): Promise<string> {
  const token = `hd_${randomToken()}`;
  await db.query('INSERT INTO staff_tokens (token_hash, staff_id, name, expires_at) VALUES ($1, $2, $3, $4)', [sha256(token), staffId, name, expiresAt]);
  return token;
}

export async function findApiToken(db: Queryable, token: string, now: Date): Promise<StaffRow | null> {
  const [row] = await db.query<StaffRow & { expires_at: Date | null; token_id: number }>(
    'SELECT s.*, t.expires_at, t.id AS token_id FROM staff_tokens t JOIN staff s ON s.id = t.staff_id WHERE t.token_hash = $1',
    [sha256(token)],
  );
  if (!row || row.disabled || (row.expires_at && new Date(row.expires_at) <= now)) return null;
  await db.query('UPDATE staff_tokens SET last_used_at = $2 WHERE id = $1', [row.token_id, now]);
  return row;
}
