export type * from "./records.ts";
export {
  openSqliteDatabase,
  type SqliteDatabase,
  type SqliteDatabaseOptions,
  shareOrOpen,
} from "./sqlite-database.ts";
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from "./sqlite-store.ts";
export type { Repository, Store } from "./store.ts";
