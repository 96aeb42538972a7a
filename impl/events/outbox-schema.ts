import type { SqliteDatabase } from "../store/index.ts";

/** Creates the outbox table on a connection, or brings an older one up to date (settled_at). */
export function createOutboxSchema(db: SqliteDatabase["db"]): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS event_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      subscription_id TEXT NOT NULL,
      sink TEXT NOT NULL,
      authorization TEXT,
      correlator TEXT NOT NULL,
      body TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      last_error TEXT
    );
    CREATE INDEX IF NOT EXISTS event_outbox_status ON event_outbox (status, seq);
    CREATE INDEX IF NOT EXISTS event_outbox_subscription ON event_outbox (subscription_id);
  `);
  // When a row became undeliverable (epoch ms), for retention; added to outboxes created before it.
  const columns = db.prepare<[], { name: string }>("PRAGMA table_info(event_outbox)").all();
  if (!columns.some((c) => c.name === "settled_at"))
    db.exec("ALTER TABLE event_outbox ADD COLUMN settled_at INTEGER");
}
