import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { createGroupCommit, type GroupCommit } from "./group-commit.ts";
import { startWalCheckpointer, type WalCheckpointer } from "./wal-checkpointer.ts";

export interface SqliteDatabaseOptions {
  /** Database file; `:memory:` for a throwaway database. Its folder is created when missing. */
  readonly file: string;
  /**
   * SQLite `synchronous` pragma. Default NORMAL: in WAL mode a committed write survives a crash of
   * the process (kill -9); only a power cut can lose the last transactions. FULL also fsyncs the WAL
   * at every commit (once per group, see {@link GroupCommit}).
   */
  readonly synchronous?: "NORMAL" | "FULL";
  /**
   * How often a worker thread checkpoints the WAL, ms; 0 leaves it to SQLite's autocheckpoint inside
   * commits. Default 100.
   */
  readonly checkpointIntervalMs?: number;
}

/**
 * One SQLite connection shared by the gateway's store and the events outbox, so that their writes
 * of one turn of the event loop share one transaction (one commit) and commit in call order.
 */
export interface SqliteDatabase extends GroupCommit {
  readonly file: string;
  /** The connection, for preparing statements. Write through {@link GroupCommit.write} or {@link now}. */
  readonly db: Database.Database;
  /**
   * Commits the queued writes, then runs `work` in a transaction of its own and commits it before
   * returning: for rare operations whose caller needs the result at once (start-up, tests).
   */
  now<T>(work: () => T): T;
  /** Commits what is queued and closes the connection. */
  close(): void;
}

/**
 * Opens the gateway's database in WAL mode. With a file, a worker thread checkpoints the WAL, so the
 * fsyncs of checkpoints (the only ones with synchronous=NORMAL) leave the event loop; SQLite's
 * autocheckpoint stays as a backstop at 10,000 pages (about 40 MB of WAL).
 */
export function openSqliteDatabase(options: SqliteDatabaseOptions): SqliteDatabase {
  const inMemory = options.file === ":memory:";
  if (!inMemory) mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  const synchronous = options.synchronous ?? "NORMAL";
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma("busy_timeout = 5000");
  const intervalMs = options.checkpointIntervalMs ?? 100;
  let checkpointer: WalCheckpointer | undefined;
  if (!inMemory && intervalMs > 0) {
    db.pragma("wal_autocheckpoint = 10000");
    checkpointer = startWalCheckpointer({ file: options.file, intervalMs, synchronous });
  }
  const group = createGroupCommit(db);
  return {
    file: options.file,
    db,
    write: (work) => group.write(work),
    flush: () => group.flush(),
    get queued() {
      return group.queued;
    },
    now<T>(work: () => T): T {
      group.flush();
      return db.transaction(work)();
    },
    close(): void {
      if (!db.open) return;
      group.flush();
      checkpointer?.stop();
      db.close();
    },
  };
}

/**
 * A connection for a component that writes next to the store (events outbox, notification relay):
 * the store's own when given one, so that one connection writes the file; else its own on a file.
 * `release()` closes only a connection opened here.
 */
export function shareOrOpen(target: SqliteDatabase | string): { database: SqliteDatabase; release(): void } {
  if (typeof target !== "string") return { database: target, release: () => undefined };
  const database = openSqliteDatabase({ file: target });
  return { database, release: () => database.close() };
}
