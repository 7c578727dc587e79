import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './limiter.ts';

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('rate limiter (sliding window)', () => {
  it('allows the limit within a window and refuses the next hit with the seconds until a slot frees', () => {
    const c = clock();
    const l = createRateLimiter({ limit: 3, windowMs: 60_000, now: c.now });
    for (let i = 0; i < 3; i++) {
      expect(l.take(['a']).allowed).toBe(true);
      c.t += 10_000;
    }
    // Hits at 0 s, 10 s, 20 s; now 30 s: the first leaves the window at 60 s.
    expect(l.take(['a'])).toEqual({ allowed: false, retryAfterSeconds: 30 });
  });

  it('serves again once the oldest hit has left the window, not before', () => {
    const c = clock();
    const l = createRateLimiter({ limit: 2, windowMs: 60_000, now: c.now });
    l.take(['a']);
    l.take(['a']);
    c.t += 59_999;
    expect(l.take(['a']).allowed).toBe(false);
    c.t += 1;
    expect(l.take(['a']).allowed).toBe(true);
  });

  it('is a sliding window: a burst at the end of one minute still counts at the start of the next', () => {
    const c = clock(0);
    const l = createRateLimiter({ limit: 2, windowMs: 60_000, now: c.now });
    c.t = 59_000;
    l.take(['a']);
    l.take(['a']);
    c.t = 61_000;
    expect(l.take(['a'])).toEqual({ allowed: false, retryAfterSeconds: 58 });
  });

  it('keeps keys apart', () => {
    const c = clock();
    const l = createRateLimiter({ limit: 1, now: c.now });
    expect(l.take(['a']).allowed).toBe(true);
    expect(l.take(['a']).allowed).toBe(false);
    expect(l.take(['b']).allowed).toBe(true);
  });

  it('refuses when any key is over and records nothing on the others', () => {
    const c = clock();
    const l = createRateLimiter({ limit: 1, now: c.now });
    l.take(['ip:1']);
    expect(l.take(['ip:1', 'citizen:x']).allowed).toBe(false);
    // citizen:x was not charged for the refused question.
    expect(l.take(['ip:2', 'citizen:x']).allowed).toBe(true);
  });

  it('check() answers like take() without recording', () => {
    const c = clock();
    const l = createRateLimiter({ limit: 1, now: c.now });
    expect(l.check(['a']).allowed).toBe(true);
    expect(l.check(['a']).allowed).toBe(true);
    l.take(['a']);
    expect(l.check(['a']).allowed).toBe(false);
  });

  it('never says to wait less than a second', () => {
    const c = clock();
    const l = createRateLimiter({ limit: 1, windowMs: 60_000, now: c.now });
    l.take(['a']);
    c.t += 59_999;
    expect(l.take(['a'])).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('with limit 0 is off', () => {
    const l = createRateLimiter({ limit: 0 });
    for (let i = 0; i < 100; i++) expect(l.take(['a']).allowed).toBe(true);
    expect(l.size()).toBe(0);
  });

  it('counts by the time given (events counted when they were received, even if handled later)', () => {
    const c = clock(10_000_000);
    const l = createRateLimiter({ limit: 2, windowMs: 60_000, now: c.now });
    // A backlog of three messages sent a minute apart, handled all at once now.
    expect(l.take(['u'], 1_000_000).allowed).toBe(true);
    expect(l.take(['u'], 1_060_000).allowed).toBe(true);
    expect(l.take(['u'], 1_120_000).allowed).toBe(true);
    // Three sent within one minute: the third is over.
    expect(l.take(['v'], 2_000_000).allowed).toBe(true);
    expect(l.take(['v'], 2_010_000).allowed).toBe(true);
    expect(l.take(['v'], 2_020_000).allowed).toBe(false);
  });

  it('forgets idle keys after a window and never holds more than maxKeys', () => {
    const c = clock();
    const l = createRateLimiter({ limit: 5, windowMs: 60_000, now: c.now, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) l.take([`ip:${i}`]);
    expect(l.size()).toBe(100);
    c.t += 61_000;
    l.take(['fresh']);
    expect(l.size()).toBe(1);
  });

  it('evicts the least recently used key first', () => {
    const c = clock();
    const l = createRateLimiter({ limit: 1, now: c.now, maxKeys: 2 });
    l.take(['old']);
    l.take(['busy']);
    l.take(['new']); // pushes out 'old', the idlest
    expect(l.take(['busy']).allowed).toBe(false);
    expect(l.take(['old']).allowed).toBe(true);
  });
});
