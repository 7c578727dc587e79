// Builds the widget (widget.ts and what it imports) into one minified script with esbuild, and
// checks its size: the citizen's phone downloads it on every portal page.
//
//   npm run build:widget [-- out/path.js]     writes dist/widget.js (for Workers), prints the size
//
// The Node server builds it in memory on the first request for /widget.js instead (routes.ts), so
// neither `npm start` nor the tests need this step.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export const WIDGET_ENTRY = fileURLToPath(new URL('./widget.ts', import.meta.url));
export const DEFAULT_OUT = fileURLToPath(new URL('../../../../dist/widget.js', import.meta.url));
/** The budget, gzipped. */
export const MAX_GZIP_BYTES = 50 * 1024;

export interface BuiltWidget {
  code: string;
  bytes: number;
  gzipBytes: number;
}

export async function buildWidget(): Promise<BuiltWidget> {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    entryPoints: [WIDGET_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // Phones a few years old (Safari 14 has a destructuring bug esbuild will not work around).
    target: ['es2020', 'chrome80', 'safari15', 'firefox78'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = r.outputFiles[0]!.text;
  const bytes = Buffer.byteLength(code);
  return { code, bytes, gzipBytes: gzipSync(code, { level: 9 }).length };
}

async function main(out: string) {
  const w = await buildWidget();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  if (w.gzipBytes > MAX_GZIP_BYTES) {
    console.error(`widget.js is over its budget: ${kb(w.gzipBytes)} gzipped > ${kb(MAX_GZIP_BYTES)}; nothing written.`);
    process.exitCode = 1;
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, w.code);
  console.log(`widget.js: ${kb(w.bytes)}, ${kb(w.gzipBytes)} gzipped (budget ${kb(MAX_GZIP_BYTES)}) → ${out}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(resolve(process.argv[2] ?? DEFAULT_OUT)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
