import { LRUCache } from 'lru-cache';

/**
 * Least-recently-used text, bounded in bytes (UTF-16 in memory: two per character, plus the key
 * and a fixed overhead per entry). Keys carry the change counters their values were computed at,
 * so nothing is ever invalidated: a stale key is simply never asked for again and ages out.
 */
interface Entry<M = unknown> {
  text: string;
  meta?: M;
  metaChars: number;
}

export function createByteCache(maxBytes: number) {
  const cache = new LRUCache<string, Entry>({
    maxSize: Math.max(1, maxBytes),
    sizeCalculation: (v, key) => Math.max(1, (v.text.length + v.metaChars + key.length) * 2 + 100),
  });
  return {
    get: <M>(key: string) => cache.get(key) as Entry<M> | undefined,
    /** `meta` travels with the text; its size counts as `metaChars` characters. */
    set: <M>(key: string, text: string, meta?: M, metaChars = 0) => void cache.set(key, { text, meta, metaChars }),
    stats: () => ({ entries: cache.size, bytes: cache.calculatedSize }),
  };
}

export type ByteCache = ReturnType<typeof createByteCache>;
