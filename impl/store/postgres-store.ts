import pg from "pg";
import { classify } from "./postgres-errors.ts";
import { migrate } from "./postgres-migrations.ts";
import { createPostgresWriteQueue, type PostgresWriteQueue } from "./postgres-write-queue.ts";
import type { DialogRecord, RegistrationRecord, SessionRecord, SubscriptionRecord } from "./records.ts";
import type { Repository, Store } from "./store.ts";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (node-postgres connection string). */
  readonly url: string;
  /** Connections for reads (the writes have one of their own); default 10. */
  readonly poolSize?: number;
  /**
   * Longest wait for a connection, and for one query's answer, ms; default 5000. Past it the
   * operation fails with StoreUnavailableError (a write then was not acknowledged).
   */
  readonly timeoutMs?: number;
  /** Called with errors of idle connections (the server went away); they are dropped and replaced. */
  readonly onError?: (error: Error) => void;
}

/** The PostgreSQL store and its pools (tests look at them). */
export interface PostgresStore extends Store {
  readonly reads: pg.Pool;
  readonly writes: PostgresWriteQueue;
}

/**
 * A text for a PostgreSQL `text` column, which cannot hold U+0000: NUL and backslash are escaped,
 * so that every JavaScript string (an id from a URL, a client correlator) is stored and found as in
 * SQLite. The record itself is stored as JSON, where NUL is already escaped.
 */
export function pgText(value: string): string;
export function pgText(value: string | null): string | null;
export function pgText(value: string | null): string | null {
  if (value === null || !/[\\\0]/.test(value)) return value;
  return value.replace(/[\\\0]/g, (c) => (c === "\\" ? "\\\\" : "\\0"));
}

/** The text {@link pgText} stored, as it was given. */
export function fromPgText(value: string): string;
export function fromPgText(value: string | null): string | null;
export function fromPgText(value: string | null): string | null {
  if (value === null || !value.includes("\\")) return value;
  return value.replace(/\\([\\0])/g, (_, c: string) => (c === "0" ? "\0" : "\\"));
}

type Table = "registrations" | "sessions" | "subscriptions" | "dialogs";

/** One table's repository: reads on the read pool, writes through the group commit. */
function pgTable<T>(
  reads: pg.Pool,
  writes: PostgresWriteQueue,
  table: Table,
  key: (r: T) => string,
  columns: (r: T) => (string | null)[],
) {
  const select = async (name: string, text: string, values: unknown[]) => {
    try {
      const { rows } = await reads.query<{ data: string }>({ name: `${table}_${name}`, text, values });
      return rows.map((r) => JSON.parse(r.data) as T);
    } catch (error) {
      throw classify(error);
    }
  };
  const op = (o: "put" | "delete", id: string, record?: T, condition?: { x: number | null }) =>
    JSON.stringify(
      record === undefined
        ? { o, t: table, id: pgText(id) }
        : {
            o,
            t: table,
            id: pgText(id),
            c: columns(record).map(pgText),
            d: JSON.stringify(record),
            ...condition,
          },
    );
  /** A put made conditional on the stored sequenceNumber (`x`, sessions only: postgres-sequence-migration.ts). */
  const putIfSequence = async (record: T, expected: number | null) =>
    (await writes.write(op("put", key(record), record, { x: expected }))) === true;
  const repository: Repository<T> = {
    async get(id) {
      return (await select("get", `SELECT data FROM ${table} WHERE id = $1`, [pgText(id)]))[0];
    },
    async put(record) {
      await writes.write(op("put", key(record), record));
    },
    async delete(id) {
      return (await writes.write(op("delete", id))) === true;
    },
  };
  /** A finder: records matching `where` (parameters escaped by pgText), in the order of their last write. */
  const query =
    <P extends string[]>(name: string, where: string) =>
    (...params: P) =>
      select(name, `SELECT data FROM ${table} WHERE ${where} ORDER BY seq`, params.map(pgText));
  return { repository, putIfSequence, query };
}

/**
 * The store shared by several gateway nodes: PostgreSQL through node-postgres. Migrations
 * (postgres-migrations.ts) run before it returns. Writes are acknowledged once committed, in call
 * order, grouped into one statement per round trip (postgres-write-queue.ts); reads run on a pool
 * and see committed rows only (READ COMMITTED). There is no cache of rows: another node's commit is
 * seen by the next read, so any node can answer for any record.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const common = {
    connectionString: options.url,
    connectionTimeoutMillis: timeoutMs,
    // The server cancels a statement past the timeout (rolled back, a clean failure) before the
    // client gives up on a server that no longer answers at all (then the outcome is unknown).
    query_timeout: timeoutMs + 1000,
    keepAlive: true,
    // A commit is acknowledged once flushed to the WAL on disk, whatever the server's default.
    options: `-c synchronous_commit=on -c statement_timeout=${timeoutMs}`,
  };
  const reads = new pg.Pool({ ...common, max: options.poolSize ?? 10 });
  const writerPool = new pg.Pool({ ...common, max: 1 });
  // An idle connection's error (the server restarting) would otherwise be thrown as an 'error' event.
  const onError = (error: Error) => options.onError?.(error);
  reads.on("error", onError);
  writerPool.on("error", onError);
  try {
    await migrate(writerPool);
  } catch (error) {
    await Promise.all([reads.end(), writerPool.end()]);
    throw classify(error);
  }
  const writes = createPostgresWriteQueue(writerPool);

  const registrations = pgTable<RegistrationRecord>(
    reads,
    writes,
    "registrations",
    (r) => r.registrationId,
    (r) => [r.owner, r.deviceId, r.expiresAt],
  );
  const sessions = pgTable<SessionRecord>(
    reads,
    writes,
    "sessions",
    (r) => r.mediaSessionId,
    (r) => [r.owner, r.registrationId, r.info.clientCorrelator ?? null],
  );
  const subscriptions = pgTable<SubscriptionRecord>(
    reads,
    writes,
    "subscriptions",
    (r) => r.id,
    (r) => [r.owner, r.release === undefined ? r.request.config.subscriptionDetail.registrationId : null],
  );
  const dialogs = pgTable<DialogRecord>(
    reads,
    writes,
    "dialogs",
    (r) => r.mediaSessionId,
    (r) => [r.callId],
  );
  const allDialogs = dialogs.query<[]>("all", "true");
  // Index dialogs_call_id (migration 6).
  const dialogsByCallId = dialogs.query<[string]>("by_call_id", "call_id = $1");
  const byDevice = registrations.query<[string, string]>("by_device", "owner = $1 AND device_id = $2");
  const expiredBy = registrations.query<[string]>("expired_by", "expires_at <= $1");
  const activeAt = registrations.query<[string]>("active_at", "expires_at > $1");
  // A full scan, run once at start-up (restart reconciliation): no index to keep for it.
  const unfinished = sessions.query<[string]>(
    "unfinished",
    "coalesce((data::jsonb)->'info'->>'status', 'Initial') NOT IN (SELECT jsonb_array_elements_text($1::jsonb))",
  );
  const byCorrelator = sessions.query<[string, string]>(
    "by_correlator",
    "owner = $1 AND client_correlator = $2",
  );
  const byRegistration = sessions.query<[string]>("by_registration", "registration_id = $1");
  const byOwner = subscriptions.query<[string]>("by_owner", "owner = $1");
  const bySubscriptionRegistration = subscriptions.query<[string]>("by_registration", "registration_id = $1");

  let closed = false;
  return {
    reads,
    writes,
    registrations: {
      ...registrations.repository,
      findByDevice: async (owner, deviceId) => (await byDevice(owner, deviceId))[0],
      listExpiredBy: (iso) => expiredBy(iso),
      listActiveAt: (iso) => activeAt(iso),
    },
    sessions: {
      ...sessions.repository,
      putIfSequence: sessions.putIfSequence,
      findByClientCorrelator: async (owner, cc) => (await byCorrelator(owner, cc))[0],
      listByRegistration: (id) => byRegistration(id),
      listUnfinished: (terminal) => unfinished(JSON.stringify(terminal)),
    },
    subscriptions: {
      ...subscriptions.repository,
      listByOwner: (owner) => byOwner(owner),
      listByRegistration: (id) => bySubscriptionRegistration(id),
    },
    dialogs: {
      ...dialogs.repository,
      list: () => allDialogs(),
      findByCallId: async (callId) => (await dialogsByCallId(callId)).at(-1),
    },
    async ping() {
      return reads.query("SELECT 1").then(
        () => true,
        () => false,
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await writes.close();
      await Promise.all([reads.end(), writerPool.end()]);
    },
  };
}
