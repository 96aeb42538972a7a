/**
 * The committed JSON text of recently read rows of one table, so that the lookups every request
 * makes (the registration a subscription or a call names, the session being read) skip SQLite.
 *
 * It never serves a state that was not committed, nor one a commit has replaced:
 * - a write to a row forgets it when the write is queued, and until the write settled (committed
 *   or failed) the row is read from SQLite, which holds committed state only, and not cached;
 * - it is filled only from SQLite reads, never from a record being written.
 * Text, not parsed records: each read parses its own copy, so a caller changing a record it read
 * changes nothing here.
 *
 * It assumes that the store's connection is the only writer of the table (one gateway process per
 * database file); rows written by another process are seen once they leave the cache.
 */
export interface CommittedRowCache {
  /** The row's text from the cache, else from `load` (caching what it returns when allowed). */
  read(id: string, load: (id: string) => string | undefined): string | undefined;
  /** Marks a write to `id` as queued; call the returned function once it settled. */
  writing(id: string): () => void;
  readonly size: number;
}

/** @param capacity rows kept at most; the oldest cached leaves first; 0 caches nothing. */
export function createCommittedRowCache(capacity: number): CommittedRowCache {
  const rows = new Map<string, string>();
  /** Writes queued and not yet settled, per row. */
  const pending = new Map<string, number>();
  return {
    read(id, load) {
      const cached = rows.get(id);
      if (cached !== undefined) return cached;
      const loaded = load(id);
      if (loaded !== undefined && capacity > 0 && !pending.has(id)) {
        if (rows.size >= capacity) {
          const oldest = rows.keys().next();
          if (!oldest.done) rows.delete(oldest.value);
        }
        rows.set(id, loaded);
      }
      return loaded;
    },
    writing(id) {
      rows.delete(id);
      pending.set(id, (pending.get(id) ?? 0) + 1);
      let settled = false;
      return () => {
        if (settled) return;
        settled = true;
        const left = (pending.get(id) ?? 1) - 1;
        if (left > 0) pending.set(id, left);
        else pending.delete(id);
      };
    },
    get size() {
      return rows.size;
    },
  };
}
