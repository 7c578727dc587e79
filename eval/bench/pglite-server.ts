// A PostgreSQL with pgvector for loopback benchmarks on machines without one: PGlite (in memory)
// behind its socket server, with the query queue repaired (test/support/pglite-queue.ts) so several
// processes can share it. Prints {"url": …} on stdout once listening; stops on SIGTERM or SIGINT.
import { startPgliteServer } from '../../test/support/db.ts';
import { repairQueue } from '../../test/support/pglite-queue.ts';

const max = Number(process.argv[2] ?? 24);
const server = await startPgliteServer(Number.isInteger(max) && max > 1 ? max : 24, repairQueue);
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => void server.stop().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
