import type { Logger } from './http/errors.ts';
import { maskPersonal } from './text/personal.ts';

const ORDER = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;

/**
 * Every string in a log line goes through the personal-data masker: error messages and stack
 * traces can quote a citizen's words (a failing SQL parameter, an LLM error echoing the prompt),
 * so masking at the one writer is the only place that cannot be forgotten.
 */
function maskLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonal(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return maskPersonal(value.stack ?? value.message);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => maskLogValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskLogValue(v, depth + 1)]));
}

export interface LoggerOptions {
  /** Where the JSON lines go; stderr by default. */
  write?: (line: string) => void;
}

/** Structured JSON lines on stderr, personal data masked. */
export function createLogger(level: keyof typeof ORDER = 'info', opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  return (lvl, msg, fields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const masked = fields ? (maskLogValue(fields) as Record<string, unknown>) : {};
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: maskPersonal(msg), ...masked })}\n`);
  };
}
