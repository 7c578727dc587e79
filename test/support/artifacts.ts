// What the suite's processes wrote to logs and sent to LLM and embedding services, kept under
// test/artifacts/pii so `npm test` can check afterwards (test/support/pii-grep.ts) that no raw
// personal number left the masker. Cleared at the start of every run (test/support/global-setup.ts).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PII_ARTIFACTS = fileURLToPath(new URL('../artifacts/pii/', import.meta.url));

export type ArtifactKind = 'logs' | 'outbound';

/** Appends text as it comes (a stream's chunks, or lines with their newline) to test/artifacts/pii/<kind>/<name>-<pid>.txt. */
export function artifactWriter(kind: ArtifactKind, name: string): (text: string) => void {
  const dir = join(PII_ARTIFACTS, kind);
  const file = join(dir, `${name.replace(/[^\w.-]+/g, '_')}-${process.pid}.txt`);
  return (text) => {
    mkdirSync(dir, { recursive: true });
    appendFileSync(file, text);
  };
}
