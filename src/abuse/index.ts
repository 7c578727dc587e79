// Abuse limits: the rate limiters and the kill-switch cache one process (or Workers isolate)
// shares between its HTTP routes, the chat socket and the Zalo worker.
import type { Config } from '../config/index.ts';
import { createRateLimiter, type RateLimiter } from './limiter.ts';
import { createSwitchCache, type SwitchCache } from './switches.ts';

export { createRateLimiter, type Decision, type RateLimiter } from './limiter.ts';
export { ChannelSwitchError, createChannelSwitches, createSwitchCache, isChannel, type ChannelState, type ChannelSwitches, type SwitchCache } from './switches.ts';
export { clientAddress, installAbuseGuards, originAllowed, questionGate, type QuestionGate, type Refusal } from './http.ts';

/** Search costs less than an answer: this many times the question rate per address. */
export const SEARCH_RATE_FACTOR = 4;

export interface AbuseGuards {
  /** Questions (POST /v1/ask, /v1/voice, chat frames) per citizen and per address. */
  questions: RateLimiter;
  /** GET /v1/search per address. */
  searches: RateLimiter;
  /** Zalo questions per Zalo user, counted at the time Zalo received them. */
  zaloQuestions: RateLimiter;
  /** "You are sending too fast" / "the channel is paused" notices: one per user per minute. */
  zaloNotices: RateLimiter;
  switchCache: SwitchCache;
}

export function createAbuseGuards(config: Pick<Config, 'abuse'>, now: () => number = Date.now): AbuseGuards {
  const rate = config.abuse.ratePerMinute;
  return {
    questions: createRateLimiter({ limit: rate, now }),
    searches: createRateLimiter({ limit: rate * SEARCH_RATE_FACTOR, now }),
    zaloQuestions: createRateLimiter({ limit: rate, now }),
    zaloNotices: createRateLimiter({ limit: 1, now }),
    switchCache: createSwitchCache(),
  };
}
