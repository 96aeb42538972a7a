export type * from "./records.ts";
export type { Repository, Store } from "./store.ts";
export { createSqliteStore } from "./sqlite-store.ts";
