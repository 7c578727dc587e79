import { describe, expect, it } from 'vitest';
import { isConnectionError } from './pg.ts';
import { DbUnavailableError } from './types.ts';

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('isConnectionError', () => {
  it.each([
    ['a refused connection', err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', err('read ECONNRESET', 'ECONNRESET')],
    ['every address refused (AggregateError)', Object.assign(new AggregateError([err('refused', 'ECONNREFUSED')], ''), {})],
    ['a connection that ended mid-query', err('Connection terminated unexpectedly')],
    ['no connection from the pool in time', err('timeout exceeded when trying to connect')],
    ['a reply that never came', err('Query read timeout')],
    ['a server shutting down (57P01)', err('terminating connection due to administrator command', '57P01')],
    ['a server not accepting connections yet (57P03)', err('the database system is starting up', '57P03')],
    ['a connection failure (08006)', err('connection failure', '08006')],
    ['an error already classified', new DbUnavailableError('database unavailable')],
  ])('treats %s as the database being unavailable', (_, e) => {
    expect(isConnectionError(e)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', err('duplicate key value violates unique constraint', '23505')],
    ['a syntax error (42601)', err('syntax error at or near "SELEC"', '42601')],
    ['a missing table (42P01)', err('relation "nope" does not exist', '42P01')],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['something that is not an error', 'ECONNREFUSED'],
  ])('leaves %s alone (a bug or bad input, not an outage)', (_, e) => {
    expect(isConnectionError(e)).toBe(false);
  });
});
