import { type SqliteDatabase, shareOrOpen } from "./sqlite-database.ts";

/** Timed steps of a subscription's life (see impl/services/subscription-lifecycle.ts). */
export type DeadlineKind = "expire" | "token" | "purge";

/** The deadlines as the subscription lifecycle uses them, in SQLite (here) or PostgreSQL (postgres-deadlines.ts). */
export interface DeadlineBook {
  /** Sets (or moves) one deadline, epoch ms; resolves once committed. */
  setDeadline(subscriptionId: string, kind: DeadlineKind, dueAt: number): Promise<void>;
  /** The deadlines due at `nowMs`, earliest first. */
  dueDeadlines(
    nowMs: number,
  ):
    | { subscriptionId: string; kind: DeadlineKind }[]
    | Promise<{ subscriptionId: string; kind: DeadlineKind }[]>;
  /** Forgets one deadline of a subscription, or all of them; resolves once committed. */
  clearDeadlines(subscriptionId: string, kind?: DeadlineKind): Promise<void>;
}

/**
 * When each subscription's timed steps fall due: durable, so that a restart keeps them. Opened on
 * the connection of the events outbox (table `event_deadlines` beside `event_outbox`), so that a
 * subscription's deadlines and the notifications of the same turn commit together.
 */
export function openSubscriptionDeadlines(target: SqliteDatabase | string) {
  const { database, release } = shareOrOpen(target);
  const { db } = database;
  db.exec(`
    CREATE TABLE IF NOT EXISTS event_deadlines (
      subscription_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      PRIMARY KEY (subscription_id, kind)
    );
    CREATE INDEX IF NOT EXISTS event_deadlines_due ON event_deadlines (due_at);
  `);
  const set = db.prepare<[string, string, number]>(
    "INSERT OR REPLACE INTO event_deadlines (subscription_id, kind, due_at) VALUES (?, ?, ?)",
  );
  const due = db.prepare<[number], { subscription_id: string; kind: DeadlineKind; due_at: number }>(
    "SELECT * FROM event_deadlines WHERE due_at <= ? ORDER BY due_at",
  );
  const clearAll = db.prepare<[string]>("DELETE FROM event_deadlines WHERE subscription_id = ?");
  const clearKind = db.prepare<[string, string]>(
    "DELETE FROM event_deadlines WHERE subscription_id = ? AND kind = ?",
  );
  return {
    /** Sets (or moves) one deadline, epoch ms; resolves once committed. */
    setDeadline(subscriptionId: string, kind: DeadlineKind, dueAt: number): Promise<void> {
      return database.write(() => {
        set.run(subscriptionId, kind, dueAt);
      });
    },
    /** The deadlines due at `nowMs`, earliest first (reads what was queued before). */
    dueDeadlines(nowMs: number): { subscriptionId: string; kind: DeadlineKind }[] {
      database.flush();
      return due.all(nowMs).map((r) => ({ subscriptionId: r.subscription_id, kind: r.kind }));
    },
    /** Forgets one deadline of a subscription, or all of them; resolves once committed. */
    clearDeadlines(subscriptionId: string, kind?: DeadlineKind): Promise<void> {
      return database.write(() => {
        if (kind) clearKind.run(subscriptionId, kind);
        else clearAll.run(subscriptionId);
      });
    },
    /** Commits what is queued; closes the connection if it was opened here. */
    close(): void {
      if (database.db.open) database.flush();
      release();
    },
  };
}

export type SubscriptionDeadlines = ReturnType<typeof openSubscriptionDeadlines>;
