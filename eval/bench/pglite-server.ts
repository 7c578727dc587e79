// A PostgreSQL with pgvector for loopback benchmarks on machines without one: PGlite (in memory)
// behind its socket server, with the query queue repaired (test/support/pglite-queue.ts) so several
// processes can share it. Prints {"url": …} on stdout once listening; stops on SIGTERM or SIGINT.
import { startPgliteServer } from '../../test/support/db.ts';
import { repairQueue } from '../../test/support/pglite-queue.ts';

// argv: [maxConnections] [dataDir] [port] — a data dir and a fixed port let a stopped server come back as it was.
const [maxArg, dataDir, portArg] = process.argv.slice(2);
const max = Number(maxArg ?? 24);
const port = Number(portArg);
const server = await startPgliteServer(Number.isInteger(max) && max > 1 ? max : 24, repairQueue, {
  ...(dataDir ? { dataDir } : {}),
  ...(Number.isInteger(port) && port > 0 ? { port } : {}),
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => void server.stop().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
