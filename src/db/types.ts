// One small interface over both drivers (embedded PGlite and `pg`), so every SQL function
// in the project runs unchanged on either.

export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly driver: 'pglite' | 'pg';
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * The rows of a SELECT as PostgreSQL's text COPY format (tab-separated lines), for bulk reads
   * that would be slow row by row. Only the embedded driver has it.
   */
  copyOut?(select: string): Promise<string>;
  /** Approximate size of the database on disk, in bytes. */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

/** The database cannot be opened (locked by another process, unreachable, corrupt). */
export class DbOpenError extends Error {
  override name = 'DbOpenError';
}

/**
 * The database stopped answering (connection refused or lost, the server shutting down, no
 * connection or reply in time). Passing: the same request may succeed once it is back, so callers
 * answer 503 (or leave work for a retry) rather than 500.
 */
export class DbUnavailableError extends Error {
  override name = 'DbUnavailableError';
}
