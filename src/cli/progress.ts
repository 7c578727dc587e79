// A progress bar for terminals; plain periodic lines when stderr is not a terminal.
import type { IngestProgress } from '../ingest/pipeline.ts';

export function progressReporter(stream: NodeJS.WriteStream = process.stderr, label = 'Nạp dữ liệu') {
  let lastLine = 0;
  let lastPct = -10;
  const tty = Boolean(stream.isTTY);
  return {
    update(p: IngestProgress) {
      const pct = p.bytesTotal ? Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100)) : 100;
      if (tty) {
        const now = Date.now();
        if (now - lastLine < 80 && pct < 100) return;
        lastLine = now;
        const width = 28;
        const filled = Math.round((pct / 100) * width);
        const file = p.file.length > 40 ? `…${p.file.slice(-39)}` : p.file;
        stream.write(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(pct).padStart(3)}% · ${p.documents} văn bản · ${file}\x1b[K`);
      } else if (pct >= lastPct + 10) {
        lastPct = pct - (pct % 10);
        stream.write(`${label}: ${pct}% (${p.documents} văn bản)\n`);
      }
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}
