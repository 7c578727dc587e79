// A sliding-window rate limiter in memory: each key keeps the times of its last `limit` accepted
// hits, so "15 a minute" means exactly that over any 60 s, not 15 per calendar minute. Memory is
// bounded twice: a key keeps at most `limit` times, idle keys are swept once a window, and past
// `maxKeys` the least recently used key is dropped (an attacker spraying addresses can only make
// the limiter forget, never grow it).
//
// Per process: several `hoidap serve` instances (or Workers isolates) each apply the limit on their
// own, so the real ceiling is the limit times the number of instances a client reaches.

export type Decision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Records one hit on every key when none is over the limit; refuses (recording nothing) otherwise. */
  take(keys: readonly string[], atMs?: number): Decision;
  /** Whether take() would pass, without recording anything. */
  check(keys: readonly string[], atMs?: number): Decision;
  /** Keys held right now. */
  size(): number;
  readonly limit: number;
}

export interface RateLimiterOptions {
  /** Hits allowed per window; 0 turns the limiter off. */
  limit: number;
  windowMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  maxKeys?: number;
}

export function createRateLimiter(o: RateLimiterOptions): RateLimiter {
  const windowMs = o.windowMs ?? 60_000;
  const now = o.now ?? Date.now;
  const maxKeys = o.maxKeys ?? 50_000;
  const limit = o.limit;
  // Map order is recency order: a key is re-inserted on every hit, so the first key is the idlest.
  const hits = new Map<string, number[]>();
  let lastSweep = now();

  function sweep(at: number) {
    if (at - lastSweep < windowMs) return;
    lastSweep = at;
    for (const [key, times] of hits) if (!times.length || times[times.length - 1]! <= at - windowMs) hits.delete(key);
  }

  /** Hits of `key` inside the window ending at `at`. */
  function recent(key: string, at: number): number[] {
    const times = hits.get(key);
    if (!times) return [];
    // Times may arrive slightly out of order (Zalo events carry their own); count by value.
    return times.filter((t) => t > at - windowMs && t <= at);
  }

  function decide(keys: readonly string[], at: number): Decision {
    let wait = 0;
    for (const key of keys) {
      const inWindow = recent(key, at);
      if (inWindow.length < limit) continue;
      // Free again once the oldest hit that keeps it full leaves the window.
      const sorted = inWindow.sort((a, b) => a - b);
      const freeAt = sorted[sorted.length - limit]! + windowMs;
      wait = Math.max(wait, freeAt - at);
    }
    return wait > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) } : { allowed: true };
  }

  return {
    limit,
    check(keys, atMs) {
      if (limit <= 0) return { allowed: true };
      return decide(keys, atMs ?? now());
    },
    take(keys, atMs) {
      if (limit <= 0) return { allowed: true };
      const at = atMs ?? now();
      sweep(at);
      const d = decide(keys, at);
      if (!d.allowed) return d;
      for (const key of keys) {
        const kept = (hits.get(key) ?? []).filter((t) => t > at - windowMs);
        kept.push(at);
        kept.sort((a, b) => a - b);
        // Only the newest `limit` times matter to any later decision.
        if (kept.length > limit) kept.splice(0, kept.length - limit);
        hits.delete(key);
        hits.set(key, kept);
        if (hits.size > maxKeys) hits.delete(hits.keys().next().value!);
      }
      return d;
    },
    size: () => hits.size,
  };
}
