import { randomBytes } from "node:crypto";
import { type SqliteDatabase, shareOrOpen } from "../store/index.ts";

/** A relay channel: one browser device's notification inbox, owned by a subscriber. */
export interface RelayChannel {
  readonly id: string;
  /** Phone number (or token subject) of the subscriber who opened it. */
  readonly owner: string;
  /** Bearer token the gateway must present when posting to the channel's sink. */
  readonly sinkToken: string;
  /** Epoch ms after which the sink answers 410 Gone. */
  readonly expiresAt: number;
}

/** A stored notification and its cursor (strictly increasing per channel, from 1). */
export interface RelayEntry {
  readonly cursor: number;
  readonly body: string;
}

export const relayToken = (): string => randomBytes(24).toString("base64url");
const token = relayToken;

/** A value now (SQLite) or once read (PostgreSQL). */
type Eventually<T> = T | Promise<T>;

/**
 * The relay's channels and notifications as the socket and the sinks use them: in SQLite
 * ({@link openRelayStore}, one gateway) or PostgreSQL (postgres-relay-store.ts, shared by a cluster).
 */
export interface RelayStore {
  createChannel(owner: string, ttlMs: number, now: number): Eventually<RelayChannel>;
  getChannel(id: string): Eventually<RelayChannel | undefined>;
  /** Stores a notification; returns its cursor. */
  append(channelId: string, body: string): Eventually<number>;
  lastCursor(channelId: string): Eventually<number>;
  /** Notifications after `cursor`, oldest first (at most the replay limit are kept). */
  since(channelId: string, cursor: number): Eventually<RelayEntry[]>;
  close(): void;
}

/**
 * Channels and the last `replayLimit` notifications of each, in SQLite, so that a device
 * reconnecting with its cursor gets what it missed, also across a gateway restart. On a shared
 * connection (the gateway: the store's, so that one connection writes the file and WAL checkpoints
 * stay on the store's checkpointing thread), or on its own connection to a file, which it then
 * closes with itself. Its statements run at once, outside the store's group commit.
 */
export function openRelayStore(target: SqliteDatabase | string, replayLimit: number) {
  const { database, release: releaseConnection } = shareOrOpen(target);
  const { db } = database;
  db.exec(`
    CREATE TABLE IF NOT EXISTS relay_channels (
      id TEXT PRIMARY KEY, owner TEXT NOT NULL, sink_token TEXT NOT NULL, expires_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS relay_events (
      channel_id TEXT NOT NULL, cursor INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (channel_id, cursor)
    );
  `);
  const insertChannel = db.prepare(
    "INSERT INTO relay_channels (id, owner, sink_token, expires_at) VALUES (@id, @owner, @sinkToken, @expiresAt)",
  );
  const getChannel = db.prepare<
    [string],
    { id: string; owner: string; sink_token: string; expires_at: number }
  >("SELECT * FROM relay_channels WHERE id = ?");
  const last = db.prepare<[string], { c: number | null }>(
    "SELECT MAX(cursor) AS c FROM relay_events WHERE channel_id = ?",
  );
  const insertEvent = db.prepare<[string, number, string]>(
    "INSERT INTO relay_events (channel_id, cursor, body) VALUES (?, ?, ?)",
  );
  const prune = db.prepare<[string, number]>("DELETE FROM relay_events WHERE channel_id = ? AND cursor <= ?");
  const since = db.prepare<[string, number], RelayEntry>(
    "SELECT cursor, body FROM relay_events WHERE channel_id = ? AND cursor > ? ORDER BY cursor",
  );
  const append = db.transaction((channelId: string, body: string): number => {
    const cursor = (last.get(channelId)?.c ?? 0) + 1;
    insertEvent.run(channelId, cursor, body);
    if (cursor > replayLimit) prune.run(channelId, cursor - replayLimit);
    return cursor;
  });

  return {
    createChannel(owner: string, ttlMs: number, now: number): RelayChannel {
      const channel = { id: token(), owner, sinkToken: token(), expiresAt: now + ttlMs };
      insertChannel.run(channel);
      return channel;
    },
    getChannel(id: string): RelayChannel | undefined {
      const row = getChannel.get(id);
      return row && { id: row.id, owner: row.owner, sinkToken: row.sink_token, expiresAt: row.expires_at };
    },
    /** Stores a notification; returns its cursor. */
    append: (channelId: string, body: string): number => append(channelId, body),
    lastCursor: (channelId: string): number => last.get(channelId)?.c ?? 0,
    /** Notifications after `cursor`, oldest first (at most the replay limit are kept). */
    since: (channelId: string, cursor: number): RelayEntry[] => since.all(channelId, cursor),
    close(): void {
      releaseConnection();
    },
  };
}

export type SqliteRelayStore = ReturnType<typeof openRelayStore>;
