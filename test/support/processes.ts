// Child processes for tests and benchmarks that need a real server (hoidap serve, hoidap worker,
// wrangler dev): wait until one says it is ready, and stop it for sure.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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


/**
 * A PostgreSQL with pgvector in its own process (eval/bench/pglite-server.ts) and its URL; with a
 * data dir and a port, stopping it and starting another on both brings the same database back.
 */
export async function startPgliteProcess(maxConnections = 24, opts: { dataDir?: string; port?: number } = {}): Promise<{ url: string; child: ChildProcess }> {
  const script = fileURLToPath(new URL('../../eval/bench/pglite-server.ts', import.meta.url));
  const args = [script, String(maxConnections), ...(opts.dataDir || opts.port ? [opts.dataDir ?? '', String(opts.port ?? 0)] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: fileURLToPath(new URL('../../', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /\{"url":"([^"]+)"\}/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the PGlite server exited (${code})`)));
  });
  return { url, child };
}
