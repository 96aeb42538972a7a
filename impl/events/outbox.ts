import { type SqliteDatabase, shareOrOpen } from "../store/index.ts";
import { createOutboxSchema } from "./outbox-schema.ts";

/**
 * The durable event outbox: every CloudEvent the gateway owes a sink is a row here, written in the
 * request path before the API answers and deleted only once the sink accepted it. A crash (even
 * kill -9) therefore loses nothing: on restart the pending rows are delivered, each with the
 * CloudEvent `id` and body it was created with.
 *
 * The gateway opens it on the store's connection ({@link SqliteDatabase}): its writes join the
 * store's group commit, so an event and the state change it announces commit in one transaction,
 * in order. The write methods resolve once committed; the reads first commit what is queued.
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

/** The statuses of rows that will never be delivered: what {@link Outbox.prune} removes once old. */
export const UNDELIVERABLE = ["failed", "expired", "dropped"] as const;

/** What a {@link Outbox.prune} did. */
export interface PruneResult {
  /** Held rows past the maximum event age, now `expired` (a release would expire them anyway). */
  readonly expired: number;
  /** Undeliverable rows removed. */
  readonly removed: number;
}

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

/**
 * Opens the outbox on a shared connection (the gateway: the store's), or on its own connection to a
 * file (WAL, synchronous=NORMAL), which it then closes with itself.
 */
export function openOutbox(target: SqliteDatabase | string, options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const { database, release: releaseConnection } = shareOrOpen(target);
  const { db } = database;
  createOutboxSchema(db);
  const insert = db.prepare(
    `INSERT INTO event_outbox (event_id, subscription_id, sink, authorization, correlator, body, status, created_at)
     VALUES (@eventId, @subscriptionId, @sink, @authorization, @correlator, @body, @status, @createdAt)`,
  );
  const insertAll = (rows: readonly NewOutboxRow[]): OutboxRow[] =>
    rows.map((r) => ({ ...r, seq: Number(insert.run(r).lastInsertRowid), attempts: 0, nextAttemptAt: 0 }));
  const selectStatus = db.prepare<[string], Row>("SELECT * FROM event_outbox WHERE status = ? ORDER BY seq");
  const remove = db.prepare<[number]>("DELETE FROM event_outbox WHERE seq = ?");
  /** Reads see what was queued before them (tests, start-up, metrics: never a hot path). */
  const read = <T>(query: () => T): T => {
    database.flush();
    return query();
  };
  const retry = db.prepare<[number, number, string, number]>(
    "UPDATE event_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE seq = ?",
  );
  const settle = db.prepare<[string, string, number, number]>(
    "UPDATE event_outbox SET status = ?, last_error = ?, settled_at = ? WHERE seq = ?",
  );
  const drop = db.prepare<[string, number, string]>(
    "UPDATE event_outbox SET status = 'dropped', last_error = ?, settled_at = ? WHERE subscription_id = ? AND status IN ('pending', 'held')",
  );
  const expireHeld = db.prepare<[number, number]>(
    "UPDATE event_outbox SET status = 'expired', last_error = 'held past the maximum event age', settled_at = ? WHERE status = 'held' AND created_at <= ?",
  );
  // Rows settled before settled_at existed count from their creation.
  const removeSettled = db.prepare<[number]>(
    `DELETE FROM event_outbox WHERE status IN (${UNDELIVERABLE.map((s) => `'${s}'`).join(", ")}) AND COALESCE(settled_at, created_at) <= ?`,
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

  return {
    /**
     * Appends rows, in order, with this turn's other writes; resolves with their sequence numbers
     * once committed. A failure (e.g. a repeated CloudEvent id) leaves none of them behind.
     */
    append(rows: readonly NewOutboxRow[]): Promise<OutboxRow[]> {
      return rows.length === 0 ? Promise.resolve([]) : database.write(() => insertAll(rows));
    },
    /** Rows waiting for delivery, oldest first. */
    pending: (): OutboxRow[] => read(() => selectStatus.all("pending").map(toRow)),
    /** Rows of a status, oldest first (tests and diagnostics). */
    list: (status: OutboxStatus): OutboxRow[] => read(() => selectStatus.all(status).map(toRow)),
    /**
     * The sink accepted the row: it leaves the outbox with this turn's other writes. A crash before
     * that commit only means the event is sent again, with the same id (at least once).
     */
    delivered(seq: number): Promise<void> {
      return database.write(() => {
        remove.run(seq);
      });
    },
    retryLater(seq: number, attempts: number, nextAttemptAt: number, error: string): Promise<void> {
      return database.write(() => {
        retry.run(attempts, nextAttemptAt, error, seq);
      });
    },
    settle(seq: number, status: "failed" | "expired" | "dropped", error: string): Promise<void> {
      return database.write(() => {
        settle.run(status, error, now(), seq);
      });
    },
    /** Gives up the undelivered rows of a subscription; resolves with how many, once committed. */
    dropSubscription(subscriptionId: string, reason: string): Promise<number> {
      return database.write(() => drop.run(reason, now(), subscriptionId).changes);
    },
    /** Makes the held rows of a sink pending (it became deliverable) now; returns them in order. */
    release(sink: string): OutboxRow[] {
      return database.now(() => {
        const held = selectStatus.all("held").filter((r) => r.sink === sink);
        release.run(sink);
        return held.map((r) => ({ ...toRow(r), status: "pending" as const }));
      });
    },
    /**
     * Retention: held rows older than `maxAgeMs` become `expired`, and rows undeliverable for longer
     * than `retentionMs` (failed, expired, dropped; counted from when they became so) are removed.
     * Resolves once committed.
     */
    prune(limits: { readonly maxAgeMs: number; readonly retentionMs: number }): Promise<PruneResult> {
      return database.write(() => {
        const at = now();
        const expired = expireHeld.run(at, at - limits.maxAgeMs).changes;
        return { expired, removed: removeSettled.run(at - limits.retentionMs).changes };
      });
    },
    heldSinks: (): string[] => read(() => heldSinks.all().map((r) => r.sink)),
    counts: (): Partial<Record<OutboxStatus, number>> =>
      read(() => Object.fromEntries(counts.all().map((r) => [r.status, r.n]))),
    /** Commits what is queued; closes the connection if the outbox opened it. */
    close(): void {
      if (database.db.open) database.flush();
      releaseConnection();
    },
  };
}

export type Outbox = ReturnType<typeof openOutbox>;
