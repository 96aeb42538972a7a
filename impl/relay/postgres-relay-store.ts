import type { PostgresStore } from "../store/index.ts";
import { fromPgText, pgText } from "../store/postgres-store.ts";
import { type RelayChannel, type RelayEntry, type RelayStore, relayToken } from "./relay-store.ts";

interface ChannelRow {
  id: string;
  owner: string;
  sink_token: string;
  expires_at: string;
}

/**
 * The relay's channels and notifications in the PostgreSQL store (postgres-events-migration.ts),
 * shared by the nodes: a device reconnecting to any node finds its channel and replays from its
 * cursor. A notification is stored, its older ones past the replay limit removed and `camara_relay`
 * notified (`cursor:channelId`) in one statement, so every node holding a socket of the channel
 * hears of it once it committed.
 */
export function openPostgresRelayStore(store: PostgresStore, replayLimit: number): RelayStore {
  const { reads } = store;
  return {
    async createChannel(owner, ttlMs, now) {
      const channel = { id: relayToken(), owner, sinkToken: relayToken(), expiresAt: now + ttlMs };
      await reads.query(
        "INSERT INTO relay_channels (id, owner, sink_token, expires_at) VALUES ($1, $2, $3, $4)",
        [channel.id, pgText(owner), channel.sinkToken, channel.expiresAt],
      );
      return channel;
    },
    async getChannel(id): Promise<RelayChannel | undefined> {
      const { rows } = await reads.query<ChannelRow>({
        name: "relay_channel",
        text: "SELECT id, owner, sink_token, expires_at FROM relay_channels WHERE id = $1",
        values: [pgText(id)],
      });
      const row = rows[0];
      return (
        row && {
          id: fromPgText(row.id),
          owner: fromPgText(row.owner),
          sinkToken: row.sink_token,
          expiresAt: Number(row.expires_at),
        }
      );
    },
    async append(channelId, body) {
      const { rows } = await reads.query<{ cursor: string }>({
        name: "relay_append",
        text: `WITH c AS (UPDATE relay_channels SET last_cursor = last_cursor + 1 WHERE id = $1 RETURNING last_cursor),
          i AS (INSERT INTO relay_events (channel_id, cursor, body) SELECT $1, last_cursor, $2 FROM c RETURNING cursor),
          p AS (DELETE FROM relay_events WHERE channel_id = $1 AND cursor <= (SELECT last_cursor FROM c) - $3)
          SELECT i.cursor, pg_notify('camara_relay', i.cursor::text || ':' || $1) FROM i`,
        values: [pgText(channelId), body, replayLimit],
      });
      const cursor = rows[0]?.cursor;
      if (cursor === undefined) throw new Error(`relay channel ${channelId} is gone`);
      return Number(cursor);
    },
    async lastCursor(channelId) {
      const { rows } = await reads.query<{ c: string }>({
        name: "relay_last_cursor",
        text: "SELECT last_cursor AS c FROM relay_channels WHERE id = $1",
        values: [pgText(channelId)],
      });
      return Number(rows[0]?.c ?? 0);
    },
    async since(channelId, cursor): Promise<RelayEntry[]> {
      const { rows } = await reads.query<{ cursor: string; body: string }>({
        name: "relay_since",
        text: "SELECT cursor, body FROM relay_events WHERE channel_id = $1 AND cursor > $2 ORDER BY cursor",
        values: [pgText(channelId), cursor],
      });
      return rows.map((r) => ({ cursor: Number(r.cursor), body: r.body }));
    },
    // The store owns the connections.
    close: () => undefined,
  };
}
