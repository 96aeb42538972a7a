import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/**
 * The durable event outbox: every CloudEvent the gateway owes a sink is a row here, written in the
 * request path before the API answers and deleted only once the sink accepted it. A crash (even
 * kill -9) therefore loses nothing: on restart the pending rows are delivered, each with the
 * CloudEvent `id` and body it was created with.
 *
 * Its own better-sqlite3 connection on the gateway's database file, in WAL mode with
 * synchronous=NORMAL (a committed write survives a process crash).
 */
export type OutboxStatus =
  /** To be delivered (now or at `nextAttemptAt`). */
  | "pending"
  /** Kept but not delivered: the sink is not allow-listed in development/test. */
  | "held"
  /** The sink refused it for good (a 4xx other than 408/410/429). */
  | "failed"
  /** Not accepted within the maximum event age. */
  | "expired"
  /** Its subscription ended before it could be delivered (the sink answered 410). */
  | "dropped";

export interface NewOutboxRow {
  readonly eventId: string;
  readonly subscriptionId: string;
  readonly sink: string;
  /** `Authorization` header value for the sink, e.g. `Bearer …`, or null. */
  readonly authorization: string | null;
  readonly correlator: string;
  /** The CloudEvent, serialised once so that every attempt sends the same bytes. */
  readonly body: string;
  readonly status: "pending" | "held";
  /** When the event was published, epoch ms. */
  readonly createdAt: number;
}

export interface OutboxRow extends NewOutboxRow {
  readonly seq: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
}

/** Timed lifecycle steps of a subscription (see the dispatcher's sweep). */
export type DeadlineKind = "expire" | "token" | "purge";

interface Row {
  seq: number;
  event_id: string;
  subscription_id: string;
  sink: string;
  authorization: string | null;
  correlator: string;
  body: string;
  status: "pending" | "held";
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

const toRow = (r: Row): OutboxRow => ({
  seq: r.seq,
  eventId: r.event_id,
  subscriptionId: r.subscription_id,
  sink: r.sink,
  authorization: r.authorization,
  correlator: r.correlator,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
});

export function openOutbox(file: string) {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(`
    CREATE TABLE IF NOT EXISTS event_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      subscription_id TEXT NOT NULL,
      sink TEXT NOT NULL,
      authorization TEXT,
      correlator TEXT NOT NULL,
      body TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      last_error TEXT
    );
    CREATE INDEX IF NOT EXISTS event_outbox_status ON event_outbox (status, seq);
    CREATE INDEX IF NOT EXISTS event_outbox_subscription ON event_outbox (subscription_id);
    CREATE TABLE IF NOT EXISTS event_deadlines (
      subscription_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      PRIMARY KEY (subscription_id, kind)
    );
    CREATE INDEX IF NOT EXISTS event_deadlines_due ON event_deadlines (due_at);
  `);
  const insert = db.prepare(
    `INSERT INTO event_outbox (event_id, subscription_id, sink, authorization, correlator, body, status, created_at)
     VALUES (@eventId, @subscriptionId, @sink, @authorization, @correlator, @body, @status, @createdAt)`,
  );
  const append = db.transaction((rows: readonly NewOutboxRow[]) =>
    rows.map((r) => ({ ...r, seq: Number(insert.run(r).lastInsertRowid), attempts: 0, nextAttemptAt: 0 })),
  );
  const selectStatus = db.prepare<[string], Row>("SELECT * FROM event_outbox WHERE status = ? ORDER BY seq");
  const remove = db.prepare<[number]>("DELETE FROM event_outbox WHERE seq = ?");
  // Accepted rows are deleted in one transaction per turn of the event loop rather than one each:
  // a crash before the flush only means those events are sent again, with the same id (at least once).
  const accepted: number[] = [];
  const removeAll = db.transaction((seqs: readonly number[]) => {
    for (const seq of seqs) remove.run(seq);
  });
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (db.open && accepted.length > 0) removeAll(accepted.splice(0));
  };
  const retry = db.prepare<[number, number, string, number]>(
    "UPDATE event_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE seq = ?",
  );
  const settle = db.prepare<[string, string, number]>(
    "UPDATE event_outbox SET status = ?, last_error = ? WHERE seq = ?",
  );
  const drop = db.prepare<[string, string]>(
    "UPDATE event_outbox SET status = 'dropped', last_error = ? WHERE subscription_id = ? AND status IN ('pending', 'held')",
  );
  const release = db.prepare<[string]>(
    "UPDATE event_outbox SET status = 'pending' WHERE sink = ? AND status = 'held'",
  );
  const heldSinks = db.prepare<[], { sink: string }>(
    "SELECT DISTINCT sink FROM event_outbox WHERE status = 'held'",
  );
  const counts = db.prepare<[], { status: string; n: number }>(
    "SELECT status, COUNT(*) AS n FROM event_outbox GROUP BY status",
  );
  const setDeadline = db.prepare<[string, string, number]>(
    "INSERT OR REPLACE INTO event_deadlines (subscription_id, kind, due_at) VALUES (?, ?, ?)",
  );
  const dueDeadlines = db.prepare<[number], { subscription_id: string; kind: DeadlineKind; due_at: number }>(
    "SELECT * FROM event_deadlines WHERE due_at <= ? ORDER BY due_at",
  );
  const clearDeadlines = db.prepare<[string]>("DELETE FROM event_deadlines WHERE subscription_id = ?");
  const clearDeadline = db.prepare<[string, string]>(
    "DELETE FROM event_deadlines WHERE subscription_id = ? AND kind = ?",
  );

  return {
    /** Appends rows in one transaction, in order; returns them with their sequence numbers. */
    append(rows: readonly NewOutboxRow[]): OutboxRow[] {
      return rows.length === 0 ? [] : append(rows);
    },
    /** Rows waiting for delivery, oldest first. */
    pending: (): OutboxRow[] => {
      flush();
      return selectStatus.all("pending").map(toRow);
    },
    /** Rows of a status, oldest first (tests and diagnostics). */
    list: (status: OutboxStatus): OutboxRow[] => {
      flush();
      return selectStatus.all(status).map(toRow);
    },
    /** The sink accepted the row: it leaves the outbox (at the end of this turn of the event loop). */
    delivered(seq: number): void {
      accepted.push(seq);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    retryLater(seq: number, attempts: number, nextAttemptAt: number, error: string): void {
      retry.run(attempts, nextAttemptAt, error, seq);
    },
    settle(seq: number, status: "failed" | "expired" | "dropped", error: string): void {
      settle.run(status, error, seq);
    },
    /** Gives up the undelivered rows of a subscription; returns how many. */
    dropSubscription(subscriptionId: string, reason: string): number {
      return drop.run(reason, subscriptionId).changes;
    },
    /** Makes the held rows of a sink pending (it became deliverable); returns them in order. */
    release(sink: string): OutboxRow[] {
      const held = selectStatus.all("held").filter((r) => r.sink === sink);
      release.run(sink);
      return held.map((r) => ({ ...toRow(r), status: "pending" as const }));
    },
    heldSinks: (): string[] => heldSinks.all().map((r) => r.sink),
    counts(): Partial<Record<OutboxStatus, number>> {
      flush();
      return Object.fromEntries(counts.all().map((r) => [r.status, r.n]));
    },
    setDeadline(subscriptionId: string, kind: DeadlineKind, dueAt: number): void {
      setDeadline.run(subscriptionId, kind, dueAt);
    },
    dueDeadlines(nowMs: number): { subscriptionId: string; kind: DeadlineKind }[] {
      return dueDeadlines.all(nowMs).map((r) => ({ subscriptionId: r.subscription_id, kind: r.kind }));
    },
    clearDeadlines(subscriptionId: string, kind?: DeadlineKind): void {
      if (kind) clearDeadline.run(subscriptionId, kind);
      else clearDeadlines.run(subscriptionId);
    },
    close(): void {
      flush();
      db.close();
    },
  };
}

export type Outbox = ReturnType<typeof openOutbox>;
