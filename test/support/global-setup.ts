// Once per `vitest --run`: start from empty artifacts, so the personal-data grep that follows the
// suite (test/support/pii-grep.ts) reads only what this run wrote.
import { rmSync } from 'node:fs';
import { PII_ARTIFACTS } from './artifacts.ts';

export default function setup() {
  rmSync(PII_ARTIFACTS, { recursive: true, force: true });
}
