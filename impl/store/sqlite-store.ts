import { createCommittedRowCache } from "./committed-row-cache.ts";
import type { DialogRecord, RegistrationRecord, SessionRecord, SubscriptionRecord } from "./records.ts";
import { openSqliteDatabase, type SqliteDatabase, type SqliteDatabaseOptions } from "./sqlite-database.ts";
import type { Repository, Store } from "./store.ts";

/** Extra indexed columns of a table, each computed from the record. */
type Columns<T> = Record<string, (record: T) => string | null>;

/**
 * One table per resource kind: the key, a few indexed columns the queries need, and the record as
 * JSON. The schema of a record is the generated API type, so no column list has to track the spec.
 * Reads by key go through a cache of committed rows (committed-row-cache.ts).
 */
function jsonTable<T>(
  database: SqliteDatabase,
  table: string,
  key: (r: T) => string,
  columns: Columns<T>,
  cachedRows: number,
) {
  const { db } = database;
  const names = Object.keys(columns);
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, ${names.map((n) => `${n} TEXT`).join(", ")}${names.length ? ", " : ""}data TEXT NOT NULL)`,
  );
  for (const n of names) db.exec(`CREATE INDEX IF NOT EXISTS ${table}_${n} ON ${table} (${n})`);
  const get = db.prepare<[string], { data: string }>(`SELECT data FROM ${table} WHERE id = ?`);
  const put = db.prepare(
    `INSERT OR REPLACE INTO ${table} (id, ${names.join(", ")}${names.length ? ", " : ""}data) VALUES (${["?", ...names.map(() => "?"), "?"].join(", ")})`,
  );
  const del = db.prepare<[string]>(`DELETE FROM ${table} WHERE id = ?`);
  const cache = createCommittedRowCache(cachedRows);
  const load = (id: string) => get.get(id)?.data;
  /**
   * Queued at the call (in call order, the record as it is then), run with this turn's other writes;
   * `accept`, when given, runs inside the write (seeing the writes before it) and may refuse it.
   */
  const write = async (record: T, accept?: (id: string) => boolean): Promise<boolean> => {
    const id = key(record);
    const params = [id, ...names.map((n) => columns[n]?.(record) ?? null), JSON.stringify(record)];
    const settled = cache.writing(id);
    try {
      return await database.write(() => {
        if (accept && !accept(id)) return false;
        put.run(...params);
        return true;
      });
    } finally {
      settled();
    }
  };
  const repository: Repository<T> = {
    async get(id) {
      const data = cache.read(id, load);
      return data === undefined ? undefined : (JSON.parse(data) as T);
    },
    async put(record) {
      await write(record);
    },
    async delete(id) {
      const settled = cache.writing(id);
      try {
        return await database.write(() => del.run(id).changes > 0);
      } finally {
        settled();
      }
    },
  };
  /** A prepared query returning records, for the per-kind finders. */
  const query = <P extends unknown[]>(where: string) => {
    const stmt = db.prepare<P, { data: string }>(`SELECT data FROM ${table} WHERE ${where} ORDER BY rowid`);
    return (...params: P) => stmt.all(...params).map((r) => JSON.parse(r.data) as T);
  };
  return { repository, write, query };
}

/**
 * Database file and `synchronous` level. WAL with synchronous=NORMAL (the default): a committed write
 * survives a crash of the process (kill -9); only a power cut can lose the last transactions. FULL
 * fsyncs at every commit; deployments that need it set SQLITE_SYNCHRONOUS.
 */
export interface SqliteStoreOptions extends SqliteDatabaseOptions {
  /**
   * Rows per table whose committed JSON is kept for reads by key (default 10,000; 0 turns the cache
   * off). The store must be the only writer of its file: one gateway process per database file.
   */
  readonly cachedRows?: number;
}

/** The SQLite store, with the connection it writes through (the events outbox shares it). */
export interface SqliteStore extends Store {
  readonly database: SqliteDatabase;
}

/**
 * The default store: SQLite through better-sqlite3, in WAL mode. Writes are grouped per turn of the
 * event loop into one transaction ({@link SqliteDatabase}); each resolves once committed.
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const database = openSqliteDatabase(options);
  const { db } = database;
  const cachedRows = options.cachedRows ?? 10_000;

  const registrations = jsonTable<RegistrationRecord>(
    database,
    "registrations",
    (r) => r.registrationId,
    { owner: (r) => r.owner, device_id: (r) => r.deviceId, expires_at: (r) => r.expiresAt },
    cachedRows,
  );
  const sessions = jsonTable<SessionRecord>(
    database,
    "sessions",
    (r) => r.mediaSessionId,
    {
      owner: (r) => r.owner,
      registration_id: (r) => r.registrationId,
      client_correlator: (r) => r.info.clientCorrelator ?? null,
    },
    cachedRows,
  );
  const subscriptions = jsonTable<SubscriptionRecord>(
    database,
    "subscriptions",
    (r) => r.id,
    { owner: (r) => r.owner },
    cachedRows,
  );

  const dialogs = jsonTable<DialogRecord>(database, "dialogs", (r) => r.mediaSessionId, {}, 0);

  const byDevice = registrations.query<[string, string]>("owner = ? AND device_id = ?");
  const expiredBy = registrations.query<[string]>("expires_at <= ?");
  const activeAt = registrations.query<[string]>("expires_at > ?");
  const byCorrelator = sessions.query<[string, string]>("owner = ? AND client_correlator = ?");
  const byRegistration = sessions.query<[string]>("registration_id = ?");
  // A full scan, run once at start-up: no index to keep for it.
  const unfinished = sessions.query<[string]>(
    "coalesce(json_extract(data, '$.info.status'), 'Initial') NOT IN (SELECT value FROM json_each(?))",
  );
  // The stored sequenceNumber, read inside the write (never from the cache) for putIfSequence.
  const storedSequence = db.prepare<[string], { n: number }>(
    "SELECT coalesce(json_extract(data, '$.info.sequenceNumber'), 0) AS n FROM sessions WHERE id = ?",
  );
  const byOwner = subscriptions.query<[string]>("owner = ?");
  // An expression index rather than a column, so that database files made before it need no migration.
  const subscriptionRegistration = "json_extract(data, '$.request.config.subscriptionDetail.registrationId')";
  db.exec(
    `CREATE INDEX IF NOT EXISTS subscriptions_registration_id ON subscriptions (${subscriptionRegistration})`,
  );
  const bySubscriptionRegistration = subscriptions.query<[string]>(`${subscriptionRegistration} = ?`);
  const allDialogs = dialogs.query<[]>("1 = 1");
  // An expression index, so that database files made before it need no migration (the table keeps
  // only the key and the record).
  db.exec("CREATE INDEX IF NOT EXISTS dialogs_call_id ON dialogs (json_extract(data, '$.callId'))");
  const dialogsByCallId = dialogs.query<[string]>("json_extract(data, '$.callId') = ?");
  const ping = db.prepare("SELECT 1");

  return {
    database,
    registrations: {
      ...registrations.repository,
      findByDevice: async (owner, deviceId) => byDevice(owner, deviceId)[0],
      listExpiredBy: async (iso) => expiredBy(iso),
      listActiveAt: async (iso) => activeAt(iso),
    },
    sessions: {
      ...sessions.repository,
      putIfSequence: (record, expected) =>
        sessions.write(record, (id) => {
          const stored = storedSequence.get(id);
          return expected === null ? stored === undefined : stored?.n === expected;
        }),
      findByClientCorrelator: async (owner, cc) => byCorrelator(owner, cc)[0],
      listByRegistration: async (id) => byRegistration(id),
      listUnfinished: async (terminal) => unfinished(JSON.stringify(terminal)),
    },
    subscriptions: {
      ...subscriptions.repository,
      listByOwner: async (owner) => byOwner(owner),
      listByRegistration: async (id) => bySubscriptionRegistration(id),
    },
    dialogs: {
      ...dialogs.repository,
      list: async () => allDialogs(),
      findByCallId: async (callId) => dialogsByCallId(callId).at(-1),
    },
    async ping() {
      return ping.get() !== undefined;
    },
    async close() {
      database.close();
    },
  };
}
