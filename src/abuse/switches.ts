// The kill switch per channel: an admin (staff API or `hoidap channel off web`) switches a channel
// off in channel_switches, and every process sees it within CACHE_MS. CHANNELS_OFF in the
// environment wins over the table: a channel switched off there cannot be switched on at runtime
// (an operator who took it off by configuration must put it back the same way).
import { CHANNELS, type SwitchableChannel } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import { audit, type AuditActor } from '../privacy/audit.ts';

/** How long a process trusts what it last read from channel_switches. */
export const SWITCH_CACHE_MS = 5_000;

export interface ChannelState {
  channel: SwitchableChannel;
  enabled: boolean;
  /** Off by CHANNELS_OFF: cannot be switched on at runtime. */
  envOff: boolean;
  reason: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface ChannelSwitches {
  isOn(channel: SwitchableChannel): Promise<boolean>;
  /** Throws ChannelSwitchError('channel_env_off') when switching on a channel CHANNELS_OFF keeps off. */
  set(channel: SwitchableChannel, enabled: boolean, o: { reason?: string | null; by: AuditActor }): Promise<ChannelState>;
  list(): Promise<ChannelState[]>;
}

export class ChannelSwitchError extends Error {
  constructor(readonly code: 'channel_env_off' | 'unknown_channel', message: string) {
    super(message);
  }
}

export function isChannel(v: string): v is SwitchableChannel {
  return (CHANNELS as readonly string[]).includes(v);
}

/** What several switch objects over the same table may share (the Worker keeps one per isolate). */
export interface SwitchCache {
  rows: Map<string, { enabled: boolean; reason: string | null; updated_by: string | null; updated_at: Date | string | null }> | null;
  at: number;
}

export const createSwitchCache = (): SwitchCache => ({ rows: null, at: 0 });

export function createChannelSwitches(o: { db: Db; channelsOff: readonly SwitchableChannel[]; now?: () => Date; cache?: SwitchCache; cacheMs?: number }): ChannelSwitches {
  const now = o.now ?? (() => new Date());
  const cache = o.cache ?? createSwitchCache();
  const ttl = o.cacheMs ?? SWITCH_CACHE_MS;
  const envOff = new Set<string>(o.channelsOff);

  async function rows() {
    const at = now().getTime();
    if (cache.rows && at - cache.at < ttl && at >= cache.at) return cache.rows;
    const found = await o.db.query<{ channel: string; enabled: boolean; reason: string | null; updated_by: string | null; updated_at: Date | string | null }>(
      'SELECT channel, enabled, reason, updated_by, updated_at FROM channel_switches',
    );
    cache.rows = new Map(found.map((r) => [r.channel, r]));
    cache.at = at;
    return cache.rows;
  }

  const state = (channel: SwitchableChannel, r: NonNullable<SwitchCache['rows']> extends Map<string, infer V> ? V | undefined : never): ChannelState => ({
    channel,
    enabled: !envOff.has(channel) && (r?.enabled ?? true),
    envOff: envOff.has(channel),
    reason: r?.reason ?? null,
    updatedBy: r?.updated_by ?? null,
    updatedAt: r?.updated_at ? new Date(r.updated_at).toISOString() : null,
  });

  return {
    async isOn(channel) {
      if (envOff.has(channel)) return false;
      return (await rows()).get(channel)?.enabled ?? true;
    },
    async set(channel, enabled, { reason, by }) {
      if (!isChannel(channel)) throw new ChannelSwitchError('unknown_channel', `unknown channel "${String(channel)}" (one of ${CHANNELS.join(', ')})`);
      if (enabled && envOff.has(channel)) throw new ChannelSwitchError('channel_env_off', `channel "${channel}" is switched off by CHANNELS_OFF and can only be switched on there`);
      const at = now().toISOString();
      await o.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO channel_switches (channel, enabled, reason, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5::timestamptz)
           ON CONFLICT (channel) DO UPDATE SET enabled = EXCLUDED.enabled, reason = EXCLUDED.reason, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
          [channel, enabled, reason ?? null, by.name, at],
        );
        // The reason is free text an admin typed: it stays in channel_switches, not in the audit detail.
        await audit(tx, by, enabled ? 'channel.on' : 'channel.off', `channel:${channel}`, { enabled });
      });
      // This process sees its own change at once; the others within SWITCH_CACHE_MS.
      cache.rows = null;
      return state(channel, (await rows()).get(channel));
    },
    async list() {
      const r = await rows();
      return CHANNELS.map((c) => state(c, r.get(c)));
    },
  };
}
