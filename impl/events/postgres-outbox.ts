import type { PostgresStore } from "../store/index.ts";
import { fromPgText, pgText } from "../store/postgres-store.ts";
import type { EventOutbox } from "./event-outbox.ts";
import { type NewOutboxRow, type OutboxRow, type OutboxStatus, UNDELIVERABLE } from "./outbox.ts";

interface Row {
  seq: string;
  event_id: string;
  subscription_id: string;
  sink: string;
  sink_authorization: string | null;
  correlator: string;
  body: string;
  status: "pending" | "held";
  attempts: number;
  next_attempt_at: string;
  created_at: string;
}

const COLUMNS =
  "seq, event_id, subscription_id, sink, sink_authorization, correlator, body, status, attempts, next_attempt_at, created_at";

const toRow = (r: Row): OutboxRow => ({
  seq: Number(r.seq),
  eventId: fromPgText(r.event_id),
  subscriptionId: fromPgText(r.subscription_id),
  sink: fromPgText(r.sink),
  authorization: fromPgText(r.sink_authorization),
  correlator: fromPgText(r.correlator),
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: Number(r.next_attempt_at),
  createdAt: Number(r.created_at),
});

/** The PostgreSQL outbox: what {@link EventOutbox} needs and what the cluster's lanes read. */
export interface PostgresOutbox extends EventOutbox {
  /** Up to `limit` pending rows of one sink, oldest first. */
  pendingFor(sink: string, limit: number): Promise<OutboxRow[]>;
  /** The sinks with pending rows. */
  pendingSinks(): Promise<string[]>;
}

/**
 * The event outbox in the PostgreSQL store (schema: impl/store/postgres-events-migration.ts), shared
 * by the nodes of a cluster. Its writes join the store's group commit (postgres-write-queue.ts), so
 * an event commits with the state change it announces, in call order, as in SQLite; its reads run
 * on the store's read pool. Text is stored through pgText (PostgreSQL text holds no U+0000).
 */
export function openPostgresOutbox(
  store: PostgresStore,
  options: { now?: () => number } = {},
): PostgresOutbox {
  const now = options.now ?? Date.now;
  const { reads, writes } = store;
  const op = (fields: Record<string, unknown>) => JSON.stringify({ t: "event_outbox", ...fields });
  const select = async (name: string, where: string, values: unknown[], limit = "") =>
    (
      await reads.query<Row>({
        name: `event_outbox_${name}`,
        text: `SELECT ${COLUMNS} FROM event_outbox WHERE ${where} ORDER BY seq ${limit}`,
        values,
      })
    ).rows.map(toRow);
  const append = (row: NewOutboxRow) =>
    writes.write(
      op({
        o: "append",
        eventId: pgText(row.eventId),
        subscriptionId: pgText(row.subscriptionId),
        sink: pgText(row.sink),
        authorization: pgText(row.authorization),
        correlator: pgText(row.correlator),
        body: row.body,
        status: row.status,
        createdAt: row.createdAt,
      }),
    );

  return {
    async append(rows) {
      // Queued in this turn, so one batch (one commit); a failure leaves none of them behind only
      // when they share it, which one turn's writes do.
      const seqs = await Promise.all(rows.map(append));
      return rows.map((r, i) => ({ ...r, seq: Number(seqs[i]), attempts: 0, nextAttemptAt: 0 }));
    },
    pending: () => select("pending", "status = 'pending'", []),
    list: (status: OutboxStatus) => select("list", "status = $1", [status]),
    pendingFor: (sink, limit) =>
      select("pending_for", "status = 'pending' AND sink = $1", [pgText(sink), limit], "LIMIT $2"),
    async pendingSinks() {
      const { rows } = await reads.query<{ sink: string }>(
        "SELECT DISTINCT sink FROM event_outbox WHERE status = 'pending'",
      );
      return rows.map((r) => fromPgText(r.sink));
    },
    async delivered(seq) {
      await writes.write(op({ o: "delivered", seq }));
    },
    async retryLater(seq, attempts, nextAttemptAt, error) {
      await writes.write(op({ o: "retry", seq, attempts, nextAttemptAt, error: pgText(error) }));
    },
    async settle(seq, status, error) {
      await writes.write(op({ o: "settle", seq, status, error: pgText(error), at: now() }));
    },
    async dropSubscription(subscriptionId, reason) {
      const n = await writes.write(
        op({ o: "drop", subscriptionId: pgText(subscriptionId), error: pgText(reason), at: now() }),
      );
      return Number(n);
    },
    async release(sink) {
      const { rows } = await reads.query<Row>(
        `UPDATE event_outbox SET status = 'pending' WHERE sink = $1 AND status = 'held' RETURNING ${COLUMNS}`,
        [pgText(sink)],
      );
      return rows.map(toRow).sort((a, b) => a.seq - b.seq);
    },
    async prune(limits) {
      const at = now();
      const expired = await reads.query(
        "UPDATE event_outbox SET status = 'expired', last_error = 'held past the maximum event age', settled_at = $1 WHERE status = 'held' AND created_at <= $2",
        [at, at - limits.maxAgeMs],
      );
      const removed = await reads.query(
        "DELETE FROM event_outbox WHERE status = ANY($1) AND COALESCE(settled_at, created_at) <= $2",
        [UNDELIVERABLE, at - limits.retentionMs],
      );
      return { expired: expired.rowCount ?? 0, removed: removed.rowCount ?? 0 };
    },
    async heldSinks() {
      const { rows } = await reads.query<{ sink: string }>(
        "SELECT DISTINCT sink FROM event_outbox WHERE status = 'held'",
      );
      return rows.map((r) => fromPgText(r.sink));
    },
    async counts() {
      const { rows } = await reads.query<{ status: OutboxStatus; n: string }>(
        "SELECT status, COUNT(*) AS n FROM event_outbox GROUP BY status",
      );
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    // The store owns the connections.
    close: () => undefined,
  };
}
