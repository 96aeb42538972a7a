import { resolve } from "node:path";
import { type EnvReader, readAlone } from "../env/env-reader.ts";

/**
 * Which store the gateway writes its registrations, sessions and subscriptions to. SQLite's file and
 * `synchronous` level are {@link StoreSettings.storeFile} and `storeSynchronous` (STORE_FILE,
 * SQLITE_SYNCHRONOUS); with PostgreSQL, the events outbox and the relay still write STORE_FILE.
 */
export type StoreConfig =
  | { readonly kind: "sqlite" }
  | {
      readonly kind: "postgres";
      /** DATABASE_URL: `postgres://user:password@host:port/database`. */
      readonly url: string;
      /** DATABASE_POOL_SIZE: connections for reads (writes have one more); default 10. */
      readonly poolSize: number;
      /** DATABASE_TIMEOUT_MS: longest wait for a connection or a query, ms; default 5000. */
      readonly timeoutMs: number;
    };

/** The store's settings as the gateway's configuration holds them. */
export interface StoreSettings {
  readonly store: StoreConfig;
  /** STORE_FILE: the SQLite file (default `$DATA_DIR/gateway.db`). */
  readonly storeFile: string;
  /** SQLite synchronous pragma: NORMAL survives process crashes, FULL also power cuts. */
  readonly storeSynchronous: "NORMAL" | "FULL";
}

/** STORE, DATABASE_*, STORE_FILE and SQLITE_SYNCHRONOUS; the SQLite file lives in `dataDir` by default. */
export function readStoreSettings(r: EnvReader, context: { readonly dataDir: string }): StoreSettings {
  return {
    store: readStoreKind(r),
    storeFile: resolve(r.str("STORE_FILE", resolve(context.dataDir, "gateway.db"))),
    storeSynchronous: r.oneOf("SQLITE_SYNCHRONOUS", "NORMAL", ["NORMAL", "FULL"] as const),
  };
}

/**
 * Reads STORE (`sqlite`, the default, or `postgres`) and, for PostgreSQL, DATABASE_URL,
 * DATABASE_POOL_SIZE and DATABASE_TIMEOUT_MS on their own; every problem names the variable and the fix.
 */
export function readStoreConfig(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  return readAlone(readStoreKind, env);
}

function readStoreKind(r: EnvReader): StoreConfig {
  const kind = r.env.STORE || "sqlite";
  if (kind === "sqlite") return { kind };
  if (kind !== "postgres") {
    r.problem(`STORE=${kind} must be sqlite or postgres.`);
    return { kind: "sqlite" };
  }
  const url = r.env.DATABASE_URL ?? "";
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !["postgres:", "postgresql:"].includes(parsed.protocol) || !parsed.hostname)
    r.problem(
      url
        ? "DATABASE_URL must be postgres://user:password@host:port/database."
        : "DATABASE_URL is required with STORE=postgres (postgres://user:password@host:port/database); `npm start` starts a local PostgreSQL when it is not set.",
    );
  const poolSize = r.int("DATABASE_POOL_SIZE", 10, 1, 1000);
  const timeoutMs = r.int("DATABASE_TIMEOUT_MS", 5000, 100, 600_000);
  return { kind, url, poolSize, timeoutMs };
}

/** DATABASE_URL without its password, for log lines and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}
