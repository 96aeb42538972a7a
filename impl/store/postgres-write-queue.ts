import { StoreUnavailableError } from "camara-webrtc-runtime";
import type { Pool } from "pg";
import { classify, isUnavailable } from "./postgres-errors.ts";

/**
 * The PostgreSQL store's group commit. Writes queue in call order; one batch at a time goes to the
 * server as one statement (`camara_apply_writes`, postgres-migrations.ts), so a batch is one round
 * trip and one commit (one WAL flush with synchronous_commit=on); the writes queued while a batch is
 * in flight form the next one. Under load a batch holds every request of that moment, as SQLite's
 * group commit holds every request of one turn of the event loop.
 *
 * - Durable when resolved: a write's promise resolves once the statement holding it committed.
 * - In call order: one connection, one batch at a time, the ops of a batch applied in order.
 * - Isolated failures: a batch is one statement, so an op that fails rolls the whole batch back
 *   (nothing of it is visible); the batch is then run again one op per statement, in order, so only
 *   the failing write rejects. Failures are rare (the statements are upserts and deletes by key).
 * - An outage (connection refused or lost, timeout) rejects every write of the batch with a
 *   {@link StoreUnavailableError}: none was acknowledged; a write whose commit reached the server
 *   before the connection broke may still be there.
 */
export interface PostgresWriteQueue {
  /**
   * Queues one op, a JSON object text `{o, t, id, c, d}` made at the call (the record as it is
   * then); resolves with the op's result (for a delete, whether a row was removed) once committed.
   */
  write(op: string): Promise<unknown>;
  /** Writes queued and not yet sent. */
  readonly queued: number;
  /** Resolves once every write queued so far settled; later writes are refused. */
  close(): Promise<void>;
}

interface Entry {
  readonly op: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Ops per statement at most; the rest wait for the next batch. */
const MAX_BATCH = 256;

const APPLY = "SELECT camara_apply_writes($1::jsonb) AS r";

/** @param pool the writer's pool (one connection: the batches must not overtake each other). */
export function createPostgresWriteQueue(pool: Pool): PostgresWriteQueue {
  let queue: Entry[] = [];
  let running: Promise<void> | undefined;
  let closed = false;

  async function apply(entries: readonly Entry[]): Promise<void> {
    let results: unknown[];
    try {
      const { rows } = await pool.query<{ r: unknown[] }>({
        name: "camara_apply_writes",
        text: APPLY,
        values: [`[${entries.map((e) => e.op).join(",")}]`],
      });
      results = rows[0]?.r ?? [];
    } catch (error) {
      if (entries.length > 1 && !isUnavailable(error)) {
        for (const entry of entries) await apply([entry]);
        return;
      }
      for (const entry of entries) entry.reject(classify(error));
      return;
    }
    for (const [i, entry] of entries.entries()) entry.resolve(results[i] ?? null);
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const entries = queue.slice(0, MAX_BATCH);
      queue = queue.slice(entries.length);
      await apply(entries);
    }
    running = undefined;
  }

  return {
    write(op) {
      return new Promise((resolve, reject) => {
        if (closed) {
          reject(new StoreUnavailableError("The PostgreSQL store is closed"));
          return;
        }
        queue.push({ op, resolve, reject });
        // Started on the next turn, so that the writes of this turn share the first batch.
        running ??= new Promise<void>((started) => setImmediate(started)).then(drain);
      });
    },
    get queued() {
      return queue.length;
    },
    async close() {
      closed = true;
      await running;
    },
  };
}
