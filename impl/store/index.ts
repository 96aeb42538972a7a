export type * from "./records.ts";
export { createSqliteStore } from "./sqlite-store.ts";
export type { Repository, Store } from "./store.ts";
