// Run by `npm test` after the suite: reads every log and every LLM / embedding request body the suite
// kept (test/support/artifacts.ts) and fails if a raw personal value from the labelled corpus
// (src/text/personal-corpus.ts, which test/privacy/personal-flow.int.test.ts sends through every
// channel) appears in any of them. Numbers are compared by their digits, whatever separators.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERSONAL_CORPUS } from '../../src/text/personal-corpus.ts';
import { PII_ARTIFACTS } from './artifacts.ts';

interface Finding {
  file: string;
  value: string;
}

/** Digits joined across the separators people and formatters put inside numbers. */
const joinDigits = (s: string) => s.replace(/(?<=\d)[ .\-](?=\d)/g, '');

function plantedValues(): { digits: string[]; texts: string[] } {
  const spans = [...new Set(PERSONAL_CORPUS.flatMap((c) => c.spans))];
  const digits: string[] = [];
  const texts: string[] = [];
  for (const s of spans) {
    const d = s.replace(/\D/g, '');
    // A number is recognisable by its digits; 7 or more cannot come from timestamps or counts by chance.
    if (d.length >= 7 && d.length >= s.replace(/[\s.\-+()]/g, '').length - 2) digits.push(d);
    else texts.push(s);
  }
  return { digits: [...new Set(digits)], texts };
}

/** The labelled raw values that occur in `text`: numbers by their digits, the rest as written. */
export function rawValuesIn(text: string): string[] {
  const { digits, texts } = planted;
  const joined = joinDigits(text);
  return [...digits.filter((d) => new RegExp(`(?<!\\d)${d}(?!\\d)`).test(joined)), ...texts.filter((t) => text.includes(t))];
}

const planted = plantedValues();

export function grepArtifacts(root = PII_ARTIFACTS) {
  const findings: Finding[] = [];
  const scanned = { logs: { files: 0, bytes: 0 }, outbound: { files: 0, bytes: 0 } };
  for (const kind of ['logs', 'outbound'] as const) {
    const dir = join(root, kind);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'utf8');
      scanned[kind].files++;
      scanned[kind].bytes += Buffer.byteLength(text);
      for (const value of rawValuesIn(text)) findings.push({ file: `${kind}/${f}`, value });
    }
  }
  return { findings, scanned, planted: planted.digits.length + planted.texts.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { findings, scanned, planted } = grepArtifacts();
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `personal-data grep: ${planted} raw values from the labelled corpus, searched in ${scanned.logs.files} logs (${kb(scanned.logs.bytes)}) and ${scanned.outbound.files} files of LLM/embedding request bodies (${kb(scanned.outbound.bytes)})`,
  );
  // An empty scan proves nothing: the flow test must have written both kinds.
  if (!scanned.logs.bytes || !scanned.outbound.bytes) {
    console.error('FAIL: nothing to search — the suite kept no logs or no request bodies (did test/privacy/personal-flow.int.test.ts run?)');
    process.exit(1);
  }
  if (findings.length) {
    for (const f of findings.slice(0, 50)) console.error(`FAIL: raw personal value ${f.value} in test/artifacts/pii/${f.file}`);
    console.error(`${findings.length} raw personal values found`);
    process.exit(1);
  }
  console.log('no raw personal value found');
}
