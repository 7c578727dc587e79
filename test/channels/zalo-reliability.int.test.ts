// The loopback reliability run of eval/bench/zalo.ts in a small form: the service, the worker and a
// PostgreSQL as separate processes, a fake Zalo OA API, redelivered events, bad signatures, lost
// answers to sends, and the worker killed (SIGKILL) half-way and restarted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printZaloBench, runZaloBench } from '../../eval/bench/zalo.ts';

const questions = readFileSync(new URL('../../eval/sets/answers-dev.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text: string }).text);

describe('the Zalo channel under redeliveries, bad signatures and a killed worker', () => {
  it('answers every valid message exactly once, refuses every bad one, and acknowledges fast', async () => {
    const r = await runZaloBench({ events: 200, duplicates: 0.2, bad: 0.05, rate: 40, users: 30, lost: 0.05, kill: true, corpus: ['data/qa'], timeoutMs: 240_000, questions });
    console.log(printZaloBench(r));
    expect(r.unique).toBe(150);
    expect(r.duplicates).toBe(40);
    expect(r.bad).toBe(10);
    expect(r.statuses).toEqual({ 200: 190, 401: 10 });
    expect(r.wrongAcks).toBe(0);
    expect(r.kill).not.toBeNull();
    expect(r.missing).toEqual([]);
    expect(r.sentTwice).toEqual([]);
    expect(r.mismatched).toEqual([]);
    expect(r.sentForBad).toBe(0);
    expect(r.inboxRows).toBe(150);
    expect(r.inboxNotDone).toBe(0);
    expect(r.ack.p99).toBeLessThanOrEqual(2000);
    expect(r.ok).toBe(true);
  }, 300_000);

  it('works the same with the worker inside the service (the default deployment)', async () => {
    const r = await runZaloBench({ events: 40, duplicates: 0.2, bad: 0.05, rate: 40, users: 10, lost: 0.05, kill: false, inService: true, corpus: ['data/qa'], timeoutMs: 180_000, questions });
    console.log(printZaloBench(r));
    expect(r.statuses).toEqual({ 200: 38, 401: 2 });
    expect(r.missing).toEqual([]);
    expect(r.sentTwice).toEqual([]);
    expect(r.mismatched).toEqual([]);
    expect(r.inboxNotDone).toBe(0);
    expect(r.ok).toBe(true);
  }, 240_000);
});
