// Child processes for tests and benchmarks that need a real server (hoidap serve, hoidap worker,
// wrangler dev): wait until one says it is ready, and stop it for sure.
import type { ChildProcess } from 'node:child_process';

/** Collects a child's stderr (and stdout); resolves once `ready` matches what it printed. */
export function spawnUntil(child: ChildProcess, ready: RegExp, what: string, timeoutMs = 120_000): Promise<{ child: ChildProcess; stderr: () => string }> {
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${err.slice(-2000)}`)), timeoutMs);
    const collect = (d: Buffer) => {
      err += d;
      if (err.length > 200_000) err = err.slice(-100_000);
      if (ready.test(err)) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      }
    };
    child.stderr?.on('data', collect);
    child.stdout?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready:\n${err.slice(-2000)}`));
    });
  });
}

export const killed = (child: ChildProcess | null, signal: NodeJS.Signals = 'SIGTERM') =>
  new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
    setTimeout(() => (child.kill('SIGKILL'), resolve()), 10_000).unref();
  });

