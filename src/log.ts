import type { Logger } from './http/errors.ts';

const ORDER = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;

/** Structured JSON lines on stderr. */
export function createLogger(level: keyof typeof ORDER = 'info'): Logger {
  return (lvl, msg, fields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
  };
}
