// The Zalo channel as configured, the same on Node and on Workers: the OA client (tokens, sending)
// when the OA's keys and a token are set, and the inbox worker over it, with voice notes when speech
// to text is configured.
import type { AnswerService } from '../../answer/pipeline.ts';
import type { Config } from '../../config/index.ts';
import type { Db } from '../../db/types.ts';
import type { Logger } from '../../http/errors.ts';
import { createSealer } from '../../privacy/seal.ts';
import { fetchRemoteAudio } from '../../voice/audio.ts';
import type { SpeechToText } from '../../voice/stt.ts';
import { createZaloClient, type ZaloClient } from './client.ts';
import { formatForZalo, splitForZalo } from './split.ts';
import { createZaloWorker, type ZaloAbuse, type ZaloWorker } from './worker.ts';

/** Zalo is on when the OA's keys and a token are configured. */
export function zaloConfigured(config: Pick<Config, 'zalo'>): boolean {
  const z = config.zalo;
  return Boolean(z.appId && z.appSecret && z.oaSecretKey && (z.refreshToken || z.accessToken));
}

export function createConfiguredZaloClient(config: Pick<Config, 'zalo'>, deps: { db: Db; now: () => Date; log: Logger; fetch?: typeof fetch }): ZaloClient | null {
  return zaloConfigured(config) ? createZaloClient({ db: deps.db, config, now: deps.now, log: deps.log, ...(deps.fetch ? { fetch: deps.fetch } : {}) }) : null;
}

export function createConfiguredZaloWorker(
  config: Pick<Config, 'zalo' | 'stt' | 'dataEncryptionKey'>,
  deps: { db: Db; answers: AnswerService; client: ZaloClient; log: Logger; now: () => Date; stt: SpeechToText; retryDeliveries: () => Promise<number>; abuse?: ZaloAbuse },
): ZaloWorker {
  const { stt } = config;
  return createZaloWorker({
    db: deps.db,
    answers: deps.answers,
    sender: deps.client,
    log: deps.log,
    now: deps.now,
    lockMs: config.zalo.workerLockMs,
    format: (answer, citations) => splitForZalo(formatForZalo(answer, citations)),
    retryDeliveries: deps.retryDeliveries,
    sealer: createSealer(config.dataEncryptionKey),
    ...(deps.abuse ? { abuse: deps.abuse } : {}),
    ...(stt.baseUrl && stt.model
      ? { voice: { stt: deps.stt, fetchAudio: (url: string) => fetchRemoteAudio(url, { allowHosts: stt.audioHosts, maxDurationSec: stt.maxSeconds }) } }
      : {}),
  });
}
