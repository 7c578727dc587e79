// Agencies' API keys for the ingestion API. As with staff API tokens (staff/auth.ts), a key is a
// random 256-bit value shown once; only its SHA-256 is stored, so a stolen database dump holds no
// usable key, and a key is found by the hash of what was presented (the comparison happens inside
// the index lookup on a digest, which tells an attacker nothing about the key's characters).
import { z } from 'zod';
import type { Queryable } from '../db/index.ts';
import type { AgencyDirectory } from '../escalation/agencies.ts';
import type { Actor } from '../escalation/queue.ts';
import { AppError } from '../http/errors.ts';
import { st } from '../messages.ts';
import { audit } from '../privacy/audit.ts';
import { randomToken, sha256 } from '../staff/auth.ts';

export interface ApiKeyRow {
  id: number;
  agency: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who a valid key speaks for. */
export interface ApiKeyPrincipal {
  id: number;
  agency: string;
  name: string;
}

export class ApiKeyError extends Error {
  constructor(readonly code: 'unknown_agency' | 'apikey_bad_name' | 'apikey_not_found') {
    super(code);
    this.name = 'ApiKeyError';
  }
}

/** Writing last_used_at at most this often per key: a busy push loop should not write a row per request. */
export const LAST_USED_EVERY_MS = 60_000;

/** Random characters kept in the listed prefix: enough to tell keys apart, far too few to guess the rest (43 stay secret). */
const PREFIX_RANDOM_CHARS = 6;

const slug = (agency: string) => agency.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || 'agency';

/** The shape of every key this module makes; anything else is refused before a database lookup. */
const KEY_SHAPE = /^hdk_[a-z0-9-]{1,24}_[A-Za-z0-9_-]{43}$/;

interface DbRow {
  id: number;
  agency: string;
  name: string;
  prefix: string;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toRow = (r: DbRow): ApiKeyRow => ({
  id: r.id,
  agency: r.agency,
  name: r.name,
  prefix: r.prefix,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
});

const COLUMNS = 'id, agency, name, prefix, created_by, created_at, last_used_at, revoked_at';

/** A new key for an agency of the directory: `hdk_<agency>_<32 random bytes, base64url>`, returned once. */
export async function createApiKey(
  db: Queryable,
  agencies: Pick<AgencyDirectory, 'get'>,
  input: { agency: string; name: string; createdBy: string | null },
): Promise<{ key: string; row: ApiKeyRow }> {
  if (!agencies.get(input.agency)) throw new ApiKeyError('unknown_agency');
  const name = input.name.trim();
  if (!name || name.length > 200) throw new ApiKeyError('apikey_bad_name');
  const head = `hdk_${slug(input.agency)}_`;
  const key = `${head}${randomToken(32)}`;
  const [row] = await db.query<DbRow>(
    `INSERT INTO agency_api_keys (agency, name, key_hash, prefix, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [input.agency, name, sha256(key), key.slice(0, head.length + PREFIX_RANDOM_CHARS), input.createdBy],
  );
  return { key, row: toRow(row!) };
}

/**
 * The agency a presented key speaks for, or null for a key that is malformed, unknown or revoked
 * (the caller answers all three alike). last_used_at moves at most once a minute.
 */
export async function verifyApiKey(db: Queryable, key: string, now: Date): Promise<ApiKeyPrincipal | null> {
  if (!KEY_SHAPE.test(key)) return null;
  const [row] = await db.query<DbRow>(`SELECT ${COLUMNS} FROM agency_api_keys WHERE key_hash = $1`, [sha256(key)]);
  if (!row || row.revoked_at) return null;
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= LAST_USED_EVERY_MS) {
    await db.query('UPDATE agency_api_keys SET last_used_at = $2 WHERE id = $1', [row.id, now]);
  }
  return { id: row.id, agency: row.agency, name: row.name };
}

/** Keys newest first, of one agency or all; never their hashes. */
export async function listApiKeys(db: Queryable, agency?: string): Promise<ApiKeyRow[]> {
  const rows = agency
    ? await db.query<DbRow>(`SELECT ${COLUMNS} FROM agency_api_keys WHERE agency = $1 ORDER BY id DESC`, [agency])
    : await db.query<DbRow>(`SELECT ${COLUMNS} FROM agency_api_keys ORDER BY id DESC`);
  return rows.map(toRow);
}

export async function getApiKey(db: Queryable, id: number): Promise<ApiKeyRow | null> {
  const [row] = await db.query<DbRow>(`SELECT ${COLUMNS} FROM agency_api_keys WHERE id = $1`, [id]);
  return row ? toRow(row) : null;
}

/**
 * Revokes a key at once (the next request with it is refused); revoking twice keeps the first time.
 * With `agency`, only that agency's key (a supervisor's reach). Null when there is no such key.
 */
export async function revokeApiKey(db: Queryable, id: number, now: Date, opts: { agency?: string } = {}): Promise<ApiKeyRow | null> {
  const [row] = await db.query<DbRow>(
    `UPDATE agency_api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 AND ($3::text IS NULL OR agency = $3) RETURNING ${COLUMNS}`,
    [id, now, opts.agency ?? null],
  );
  return row ? toRow(row) : null;
}

// ---- what staff may do with keys (/staff/api/apikeys) ----
// Admins manage every agency's keys; a supervisor only their own agency's; officers none. A key of
// another agency is "not found" to a supervisor, so the API does not tell which ids exist.

const createSchema = z.object({ name: z.string(), agency: z.string().trim().min(1).max(100).optional() });
const listSchema = z.object({ agency: z.string().trim().min(1).max(100).optional() });
export const apiKeyIdSchema = z.coerce.number().int().positive().max(2 ** 31 - 1);

function reach(actor: Actor): string | null {
  if (actor.role === 'admin') return null;
  if (actor.role === 'supervisor') return actor.agency;
  throw new AppError(403, 'forbidden', st('forbidden'));
}

export function staffApiKeys(deps: { db: Queryable; agencies: Pick<AgencyDirectory, 'get'>; now: () => Date }) {
  const { db } = deps;
  return {
    async list(actor: Actor, query: unknown): Promise<ApiKeyRow[]> {
      const own = reach(actor);
      const q = listSchema.parse(query);
      if (own && q.agency && q.agency !== own) throw new AppError(403, 'apikey_own_agency', st('apikey_own_agency'));
      return listApiKeys(db, own ?? q.agency);
    },
    /** The new key, shown this once. */
    async create(actor: Actor, body: unknown): Promise<{ key: string; apiKey: ApiKeyRow }> {
      const own = reach(actor);
      const b = createSchema.parse(body);
      const agency = b.agency ?? actor.agency;
      if (own && agency !== own) throw new AppError(403, 'apikey_own_agency', st('apikey_own_agency'));
      try {
        const { key, row } = await createApiKey(db, deps.agencies, { agency, name: b.name, createdBy: `staff:${actor.id}` });
        await audit(db, actor, 'apikey.create', `apikey:${row.id}`, { agency });
        return { key, apiKey: row };
      } catch (e) {
        if (e instanceof ApiKeyError) throw new AppError(400, e.code, st(e.code));
        throw e;
      }
    },
    async revoke(actor: Actor, idParam: string): Promise<ApiKeyRow> {
      const own = reach(actor);
      const id = apiKeyIdSchema.safeParse(idParam);
      const row = id.success ? await revokeApiKey(db, id.data, deps.now(), own ? { agency: own } : {}) : null;
      if (!row) throw new AppError(404, 'apikey_not_found', st('apikey_not_found'));
      await audit(db, actor, 'apikey.revoke', `apikey:${row.id}`, { agency: row.agency });
      return row;
    },
  };
}
