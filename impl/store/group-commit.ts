import type Database from "better-sqlite3";

/**
 * Group commit on one SQLite connection: the writes queued during one turn of the event loop run
 * together, in call order, in one transaction committed at the end of that turn, and each write's
 * promise settles only after that commit. Under concurrent requests this pays the cost of a commit
 * (WAL frames, and an fsync with synchronous=FULL) once per turn instead of once per write.
 *
 * - Durable when resolved: a write's promise resolves once the transaction holding it committed, at
 *   the connection's `synchronous` level.
 * - Isolated failures: each write runs in its own savepoint (SQLite §SAVEPOINT: "ROLLBACK TO ...
 *   reverts the state of the database back to what it was just after the corresponding SAVEPOINT"),
 *   so a write that throws rejects its own promise and leaves its batch-mates to commit.
 * - A failed COMMIT, or an error after which SQLite rolled the whole transaction back (disk full,
 *   I/O error), rejects every write of the batch: none of them is durable.
 * - Reads on the connection see committed state only: the transaction is opened and committed
 *   inside one synchronous call, so no transaction (and no write lock) spans an await. Other
 *   connections on the same file, in this process or another, never wait on a batch.
 */
export interface GroupCommit {
  /**
   * Queues `work` (synchronous statements on this connection) for this turn's transaction; resolves
   * with its result once that transaction committed, rejects with what it threw.
   */
  write<T>(work: () => T): Promise<T>;
  /** Runs and commits the queued writes now (before a read that must see them, or a close). */
  flush(): void;
  /** Writes queued and not yet committed. */
  readonly queued: number;
}

interface Entry {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** Thrown out of a batch when SQLite ended the transaction itself: every write of it is undone. */
class TransactionLost extends Error {}

export function createGroupCommit(db: Database.Database): GroupCommit {
  let queue: Entry[] = [];
  let scheduled = false;
  let running = false;
  // Inside the batch's transaction, better-sqlite3 runs a nested transaction function as a savepoint.
  const single = db.transaction((work: () => unknown) => work());
  const batch = db.transaction((entries: readonly Entry[]): Outcome[] =>
    entries.map((entry) => {
      try {
        return { ok: true, value: single(entry.work) };
      } catch (error) {
        if (!db.inTransaction)
          throw new TransactionLost("SQLite rolled the transaction back", { cause: error });
        return { ok: false, error };
      }
    }),
  );

  function flush(): void {
    scheduled = false;
    if (running || queue.length === 0) return;
    const entries = queue;
    queue = [];
    running = true;
    let outcomes: Outcome[];
    try {
      outcomes = batch.immediate(entries);
    } catch (error) {
      const cause = error instanceof TransactionLost ? error.cause : error;
      for (const entry of entries) entry.reject(cause);
      return;
    } finally {
      running = false;
    }
    for (const [i, entry] of entries.entries()) {
      const outcome = outcomes[i];
      if (outcome?.ok) entry.resolve(outcome.value);
      else entry.reject(outcome?.error);
    }
  }

  return {
    write<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!db.open) {
          reject(new TypeError("The database connection is not open"));
          return;
        }
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          // setImmediate runs after the I/O callbacks of this turn: every request handled in it joins.
          setImmediate(flush);
        }
      });
    },
    flush,
    get queued() {
      return queue.length;
    },
  };
}
