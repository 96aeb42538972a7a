import { ConfigError } from "./config.ts";

/**
 * Which store the gateway writes its registrations, sessions and subscriptions to. SQLite's file and
 * `synchronous` level stay in {@link import("./config.ts").Config} (STORE_FILE, SQLITE_SYNCHRONOUS);
 * with PostgreSQL, the events outbox and the relay still write STORE_FILE.
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

/**
 * Reads STORE (`sqlite`, the default, or `postgres`) and, for PostgreSQL, DATABASE_URL,
 * DATABASE_POOL_SIZE and DATABASE_TIMEOUT_MS; every problem names the variable and the fix.
 */
export function readStoreConfig(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const kind = env.STORE || "sqlite";
  if (kind === "sqlite") return { kind };
  if (kind !== "postgres") throw new ConfigError([`STORE=${kind} must be sqlite or postgres.`]);
  const problems: string[] = [];
  const url = env.DATABASE_URL ?? "";
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !["postgres:", "postgresql:"].includes(parsed.protocol) || !parsed.hostname)
    problems.push(
      url
        ? "DATABASE_URL must be postgres://user:password@host:port/database."
        : "DATABASE_URL is required with STORE=postgres (postgres://user:password@host:port/database); `npm start` starts a local PostgreSQL when it is not set.",
    );
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    const value = raw === undefined || raw === "" ? fallback : Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`${name}=${raw} must be an integer from ${min} to ${max}.`);
    return fallback;
  };
  const poolSize = int("DATABASE_POOL_SIZE", 10, 1, 1000);
  const timeoutMs = int("DATABASE_TIMEOUT_MS", 5000, 100, 600_000);
  if (problems.length > 0) throw new ConfigError(problems);
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
