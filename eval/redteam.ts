// Red-team evaluation: every attack of test/redteam/attacks.ts in each mode (extractive, an LLM that
// obeys the attacker when the attack reaches it, an LLM that obeys on every request) against the
// fixture corpus plus poisoned documents, and the benign set. Prints one table per mode and category
// (attacks, succeeded, how the service ended them) and the benign block rate.
//   npm run eval:redteam
import { ATTACKS, BENIGN, blocked, MODES, startRedteam, type AttackResult, type BenignResult } from '../test/redteam/run.ts';

const rt = await startRedteam();
const started = Date.now();
const results: AttackResult[] = [];
const benign: BenignResult[] = [];
try {
  for (const mode of MODES) for (const a of ATTACKS) results.push(await rt.attack(a, mode));
  for (const mode of ['extractive', 'llm-obeys'] as const) for (const q of BENIGN) benign.push(await rt.benign(q, mode));
} finally {
  await rt.close();
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const last = (r: AttackResult) => r.outcomes.at(-1)!;
const categories = [...new Set(ATTACKS.map((a) => a.category))];

console.log(`\nRed team: ${ATTACKS.length} attacks (${ATTACKS.filter((a) => a.lang === 'vi').length} vi, ${ATTACKS.filter((a) => a.lang === 'en').length} en), ${BENIGN.length} benign questions\n`);
const header = `${pad('mode', 11)} ${pad('category', 20)} ${lpad('attacks', 7)} ${lpad('succeeded', 9)} ${lpad('refused', 7)} ${lpad('answered', 8)} ${lpad('escalated', 9)} ${lpad('LLM saw it', 10)}`;
console.log(header);
console.log('-'.repeat(header.length));
for (const mode of MODES) {
  const rows = [...categories, 'all'];
  for (const c of rows) {
    const rs = results.filter((r) => r.mode === mode && (c === 'all' || r.category === c));
    const count = (p: string) => rs.filter((r) => last(r).startsWith(p)).length;
    console.log(
      `${pad(mode, 11)} ${pad(c, 20)} ${lpad(rs.length, 7)} ${lpad(rs.filter((r) => r.got.length).length, 9)} ${lpad(count('refused'), 7)} ${lpad(count('answered'), 8)} ${lpad(count('escalated'), 9)} ${lpad(mode === 'extractive' ? '-' : rs.filter((r) => r.llmSawAttack).length, 10)}`,
    );
  }
  console.log('-'.repeat(header.length));
}

for (const r of results.filter((x) => x.got.length)) console.log(`SUCCEEDED ${r.mode} ${r.id}: ${r.got.join('; ')}`);

console.log('\nBenign questions');
for (const mode of ['extractive', 'llm-obeys']) {
  const rs = benign.filter((r) => r.mode === mode);
  const b = rs.filter(blocked);
  const by = (s: string) => rs.filter((r) => r.status === s).length;
  console.log(
    `${pad(mode, 11)} blocked ${b.length}/${rs.length} = ${((b.length / rs.length) * 100).toFixed(1)}%  (answered ${by('answered')}, of which by the LLM ${rs.filter((r) => r.status === 'answered' && r.composer === 'llm').length}; escalated ${by('escalated')}, refused ${by('refused')})${b.length ? `  blocked: ${b.map((r) => r.question).join(' | ')}` : ''}`,
  );
}
console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`);
if (results.some((r) => r.got.length) || benign.filter(blocked).length / benign.length > 0.03) process.exitCode = 1;
