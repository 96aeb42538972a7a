import { createHash } from "node:crypto";
import pg, { type Pool, type PoolClient } from "pg";
import { classify } from "../store/postgres-errors.ts";

/**
 * Runs `run` while no other node of the cluster runs one for the same key: under a PostgreSQL
 * advisory lock named after the key, waited for, held on a connection of `pool` for the time of the
 * run. The pool must serve nothing else (a run that needs a connection of the pool it holds one of
 * could wait for itself). A node that dies holding the lock loses it with its connection.
 *
 * "Session-level advisory lock requests ... are held until explicitly released or the session
 * ends." (PostgreSQL docs, §13.3.5 Advisory Locks)
 */
export function clusterExclusive(pool: Pool) {
  return async <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const lock = createHash("sha256").update(`camara-cluster-exclusive:${key}`).digest().readBigInt64BE(0);
    let client: PoolClient;
    // The connection can end while the lock is held (the server restarting): the run goes on (the
    // compare-and-set still keeps the session's numbers apart) and the connection is not pooled.
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    try {
      client = await pool.connect();
      client.on("error", onError);
      await client.query("SELECT pg_advisory_lock($1)", [lock.toString()]).catch((error: unknown) => {
        client.off("error", onError);
        client.release(true);
        throw error;
      });
    } catch (error) {
      throw classify(error);
    }
    try {
      return await run();
    } finally {
      // A connection whose unlock failed is closed, not pooled: the server then drops its locks.
      const unlocked = lost
        ? lost
        : await client.query("SELECT pg_advisory_unlock($1)", [lock.toString()]).then(
            () => undefined,
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          );
      client.off("error", onError);
      client.release(unlocked ?? lost);
    }
  };
}

/**
 * The exclusive runs of a cluster node on a pool of their own (at most `max` held at once; more
 * wait for a connection), each lock waited for at most `timeoutMs` (then the run fails, as the
 * store does when the database does not answer).
 */
export function openClusterExclusive(options: {
  readonly url: string;
  readonly timeoutMs: number;
  readonly max?: number;
  readonly onError: (error: Error) => void;
}) {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 8,
    connectionTimeoutMillis: options.timeoutMs,
    keepAlive: true,
    options: `-c lock_timeout=${options.timeoutMs}`,
    application_name: `camara-cluster-locks ${process.pid}`,
  });
  pool.on("error", options.onError);
  return { exclusive: clusterExclusive(pool), close: () => pool.end() };
}
