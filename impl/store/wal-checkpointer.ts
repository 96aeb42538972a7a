import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export interface WalCheckpointerOptions {
  /** The database file (in WAL mode). */
  readonly file: string;
  /** How often the WAL is copied back into the database, ms. */
  readonly intervalMs: number;
  /** `synchronous` of the checkpointing connection: a checkpoint fsyncs the WAL and the database. */
  readonly synchronous: "NORMAL" | "FULL";
}

/**
 * The checkpointing thread, as plain CommonJS (no TypeScript loader needed in the worker). A PASSIVE
 * checkpoint "checkpoints as many frames as possible without waiting for any database readers or
 * writers to finish" (SQLite, PRAGMA wal_checkpoint), so it never holds up the gateway's writes.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("synchronous = " + workerData.synchronous);
// A failed checkpoint (SQLITE_BUSY while another connection checkpoints) is tried again next time.
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {}
}, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  // Tells the waiting stop() that this connection (and its hold on the -wal/-shm files) is gone.
  const closed = new Int32Array(workerData.closed);
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
  parentPort.close();
});
`;

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection. In WAL mode with
 * synchronous=NORMAL a commit only appends to the WAL; the fsyncs happen at checkpoints, which SQLite
 * otherwise runs inside whichever commit crosses `wal_autocheckpoint` pages, blocking the event loop
 * for the fsync (milliseconds, on every few hundred commits). Checkpointing changes where pages live,
 * not what is durable: committed transactions are in the WAL either way.
 */
export function startWalCheckpointer(options: WalCheckpointerOptions) {
  const closed = new Int32Array(new SharedArrayBuffer(4));
  let alive = true;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: {
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      file: options.file,
      intervalMs: options.intervalMs,
      synchronous: options.synchronous,
      closed: closed.buffer,
    },
  });
  // Never what keeps the process alive. Should the thread fail, the WAL still gets checkpointed by
  // SQLite's autocheckpoint on the gateway's connection (see sqlite-database.ts), only later.
  worker.unref();
  worker.on("error", () => {
    alive = false;
  });
  worker.on("exit", () => {
    alive = false;
  });
  return {
    /**
     * Stops checkpointing and returns once the worker closed its connection (after a checkpoint in
     * progress; at most `STOP_WAIT_MS`), so that the database files are released when the store's
     * close() returns (a restart, or a test removing its folder, finds them quiet).
     */
    stop(): void {
      if (!alive) return;
      worker.postMessage("stop");
      Atomics.wait(closed, 0, 0, STOP_WAIT_MS);
    },
  };
}

/** Longest a close waits for the checkpointing thread, ms (a checkpoint is milliseconds). */
const STOP_WAIT_MS = 2000;

export type WalCheckpointer = ReturnType<typeof startWalCheckpointer>;
