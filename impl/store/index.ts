export { StoreUnavailableError } from "camara-webrtc-runtime";
export { openPostgresDeadlines } from "./postgres-deadlines.ts";
export {
  openPostgresStore,
  type PostgresStore,
  type PostgresStoreOptions,
} from "./postgres-store.ts";
export type * from "./records.ts";
export {
  openSqliteDatabase,
  type SqliteDatabase,
  type SqliteDatabaseOptions,
  shareOrOpen,
} from "./sqlite-database.ts";
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from "./sqlite-store.ts";
export type { Repository, Store } from "./store.ts";
export {
  type DeadlineBook,
  type DeadlineKind,
  openSubscriptionDeadlines,
  type SubscriptionDeadlines,
} from "./subscription-deadlines.ts";
