import { createHash } from "node:crypto";
import pg from "pg";

/** The advisory-lock key of a sink's lane (a 64-bit hash; two sinks sharing one share a node, harmlessly). */
export function laneKey(sink: string): string {
  return createHash("sha256").update(`camara-event-lane:${sink}`).digest().readBigInt64BE(0).toString();
}

export interface LaneLeasesOptions {
  readonly url: string;
  /** The connection holding the leases broke: every lease is gone (another node may take them). */
  readonly onLost: (error: Error, sinks: readonly string[]) => void;
  /** Longest wait for the connection and for an answer, ms. */
  readonly timeoutMs?: number;
}

/**
 * Which sinks' lanes this node serves: a session-level PostgreSQL advisory lock per lane, taken
 * without waiting on a connection of its own. A lock is the lease: held while the node delivers to
 * the sink, released once its lane is idle, and released by the server when the node's connection
 * ends — a node killed with SIGKILL loses its lanes as soon as the server sees its socket close, so
 * a survivor takes them over with the rows still pending.
 *
 * "A lock can be acquired ... at session level ... Session-level advisory lock requests ... are held
 * until explicitly released or the session ends." (PostgreSQL docs, §13.3.5 Advisory Locks)
 */
export function createLaneLeases(options: LaneLeasesOptions) {
  const timeoutMs = options.timeoutMs ?? 5000;
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  const held = new Set<string>();
  // Advisory locks count: a second lock of one key in a session needs a second unlock, so a sink's
  // claims are never sent twice at once.
  const claiming = new Map<string, Promise<boolean>>();
  let closed = false;

  function lost(error: Error) {
    const had = client;
    const sinks = [...held];
    client = undefined;
    connecting = undefined;
    held.clear();
    had?.end().catch(() => undefined);
    if (!closed) options.onLost(error, sinks);
  }

  function connect(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({
        connectionString: options.url,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
        keepAlive: true,
        // Which process holds which lanes, for operators (pg_stat_activity joined with pg_locks).
        application_name: `camara-event-lanes ${process.pid}`,
      });
      c.on("error", (error) => {
        if (client === c) lost(error);
      });
      c.on("end", () => {
        if (client === c) lost(new Error("the lane lease connection ended"));
      });
      try {
        await c.connect();
      } catch (error) {
        connecting = undefined;
        throw error;
      }
      client = c;
      return c;
    })();
    return connecting;
  }

  return {
    /** Takes the lane of `sink` unless another node holds it; resolves with whether this node holds it. */
    tryClaim(sink: string): Promise<boolean> {
      if (closed) return Promise.resolve(false);
      if (held.has(sink)) return Promise.resolve(true);
      const pending = claiming.get(sink);
      if (pending) return pending;
      const claim = (async () => {
        const c = await connect();
        const { rows } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [
          laneKey(sink),
        ]);
        if (rows[0]?.ok !== true || client !== c || closed) return false; // lost meanwhile: the lock went with it
        held.add(sink);
        return true;
      })().finally(() => claiming.delete(sink));
      claiming.set(sink, claim);
      return claim;
    },
    /** Gives the lane up (another node may take it at once). */
    async release(sink: string): Promise<void> {
      if (!held.delete(sink) || !client) return;
      await client.query("SELECT pg_advisory_unlock($1)", [laneKey(sink)]);
    },
    holds: (sink: string): boolean => held.has(sink),
    /** Ends the connection: every lane this node held is free. */
    async close(): Promise<void> {
      closed = true;
      held.clear();
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}

export type LaneLeases = ReturnType<typeof createLaneLeases>;
