import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { EvalSetError, loadQuestionSet, toQuestion } from './sets.ts';

const dir = mkdtempSync(join(tmpdir(), 'sets-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string | Uint8Array, ext = '.jsonl') => {
  const p = join(dir, `set-${n++}${ext}`);
  writeFileSync(p, text);
  return p;
};

const question = fc.record({ id: fc.stringMatching(/^[a-z0-9-]{1,12}$/), text: fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim().length > 0), sources: fc.constant([]) });
const contents = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.uint8Array({ maxLength: 400 }),
  fc.array(fc.jsonValue(), { maxLength: 6 }).map((vs) => vs.map((v) => JSON.stringify(v)).join('\n')),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.array(fc.oneof(question, fc.jsonValue()), { maxLength: 6 }).map((vs) => JSON.stringify(vs)),
);

describe('loadQuestionSet', () => {
  it('loads or throws an EvalSetError, nothing else, for any file', async () => {
    await fc.assert(
      fc.asyncProperty(contents, async (c) => {
        try {
          const set = await loadQuestionSet(file(c));
          expect(set.questions.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(EvalSetError);
        }
      }),
    );
  });

  it('loads every well-formed question and reports each broken line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(question, { minLength: 1, maxLength: 6 }), fc.array(fc.constantFrom('{', 'not json', '{"x":'), { maxLength: 3 }), async (qs, junk) => {
        const set = await loadQuestionSet(file([...qs.map((q) => JSON.stringify(q)), ...junk].join('\n')));
        expect(set.questions.map((q) => q.id)).toEqual(qs.map((q) => q.id));
        expect(set.problems).toEqual(junk.map((_, i) => `record ${qs.length + i + 1}: malformed JSON`));
      }),
      { numRuns: 50 },
    );
  });
});

describe('toQuestion', () => {
  it('gives a question or a reason for any value', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.nat(), (v, i) => void expect(['string', 'object']).toContain(typeof toQuestion(v, i))));
  });
});
