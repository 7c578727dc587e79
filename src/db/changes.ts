// In-process news of writes to the search index. The embedded database belongs to one process
// (see pglite.ts), so every change to it passes through here: in-memory copies of the index step
// aside while a write runs and reload when it is done, without polling.
import type { Db } from './types.ts';

export type IndexChange = 'writing' | 'written';
type Listener = (change: IndexChange) => void;

const listeners = new WeakMap<Db, Set<Listener>>();

export function onIndexChange(db: Db, fn: Listener): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

export function announceIndexChange(db: Db, change: IndexChange): void {
  for (const fn of listeners.get(db) ?? []) fn(change);
}
