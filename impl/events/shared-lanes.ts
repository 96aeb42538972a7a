import type { Logger } from "pino";
import { listenPostgres } from "../store/postgres-listener.ts";
import { createLaneLeases } from "./lane-leases.ts";
import type { OutboxRow } from "./outbox.ts";
import type { PostgresOutbox } from "./postgres-outbox.ts";

/** What lane sharing needs of the node's sink lanes (sink-lanes.ts). */
export interface LocalLanes {
  enqueue(rows: readonly OutboxRow[]): void;
  queued(sink: string): Set<number>;
  abandon(sink: string): Promise<void>;
}

/** How the dispatcher hands its lanes to the cluster (event-dispatcher.ts). */
export interface LaneSharing {
  /** Rows this node appended (committed): their sinks' lanes are claimed or refilled. */
  published(rows: readonly OutboxRow[]): void;
  /** A sink's lane has nothing left to send or record here. */
  idle(sink: string): void;
  /** A delivery outcome of this row was recorded. */
  recorded(row: OutboxRow): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface SharedLanesOptions {
  readonly outbox: PostgresOutbox;
  /** The database the outbox is in: the lane leases and the LISTEN connection open their own. */
  readonly url: string;
  /** How often every sink with pending rows is looked at (lanes of dead nodes, missed notifications), ms. */
  readonly scanIntervalMs: number;
  readonly logger: Logger;
}

/** Rows read into a lane at a time. */
const BATCH = 500;

/**
 * Each sink's ordered lane served by one node of the cluster at a time: the node holding the lane's
 * lease (an advisory lock, lane-leases.ts) reads the sink's pending rows from the shared outbox, in
 * sequence order, into its local lane; it gives the lease up once the lane is idle. A new row
 * notifies every node (LISTEN camara_outbox): the holder reads it, another node tries to take the
 * lane. Every scan interval each sink with pending rows is looked at, so a lane whose node died is
 * taken over with its rows still pending — delivered at least once, in order.
 */
export function createSharedLanes(options: SharedLanesOptions): (lanes: LocalLanes) => LaneSharing {
  return (lanes) => {
    const { outbox, logger } = options;
    const draining = new Map<string, Promise<void>>();
    const fetching = new Set<string>();
    const again = new Set<string>();
    /** Rows whose outcome was recorded while a read of their sink was under way: that read may still show them. */
    const settledDuringRead = new Map<string, Set<number>>();
    let closed = false;
    let timer: NodeJS.Timeout | undefined;

    const leases = createLaneLeases({
      url: options.url,
      onLost(error, sinks) {
        logger.warn(
          { err: error, lanes: sinks.length },
          "lost the event lane leases; other nodes take them over",
        );
        for (const sink of sinks)
          draining.set(
            sink,
            lanes.abandon(sink).finally(() => draining.delete(sink)),
          );
      },
    });
    const listener = listenPostgres({
      url: options.url,
      channel: "camara_outbox",
      onNotify: (sink) => (sink === "" ? void scan() : wake(sink)),
      onReconnect: () => void scan(),
      onError: (err) => logger.warn({ err }, "the outbox LISTEN connection failed; reconnecting"),
    });

    function release(sink: string) {
      if (closed || fetching.has(sink) || lanes.queued(sink).size > 0 || !leases.holds(sink)) return;
      leases
        .release(sink)
        .catch((err: unknown) => logger.warn({ err, sink }, "could not release an event lane"));
    }

    function read(sink: string) {
      if (fetching.has(sink)) {
        again.add(sink);
        return;
      }
      fetching.add(sink);
      void (async () => {
        do {
          again.delete(sink);
          const settled = new Set<number>();
          settledDuringRead.set(sink, settled);
          const rows = await outbox.pendingFor(sink, BATCH);
          settledDuringRead.delete(sink);
          if (closed || !leases.holds(sink)) return;
          const known = lanes.queued(sink);
          lanes.enqueue(rows.filter((r) => !known.has(r.seq) && !settled.has(r.seq)));
        } while (again.has(sink));
      })()
        .catch((err: unknown) => logger.warn({ err, sink }, "could not read an event lane"))
        .finally(() => {
          fetching.delete(sink);
          settledDuringRead.delete(sink);
          release(sink);
        });
    }

    function wake(sink: string) {
      if (closed || draining.has(sink)) return;
      if (leases.holds(sink)) return read(sink);
      leases.tryClaim(sink).then(
        (ok) => {
          if (ok) read(sink);
        },
        (err: unknown) => logger.warn({ err, sink }, "could not claim an event lane"),
      );
    }

    async function scan() {
      if (closed) return;
      try {
        for (const sink of await outbox.pendingSinks()) wake(sink);
      } catch (err) {
        logger.warn({ err }, "could not scan the outbox for event lanes");
      }
    }

    return {
      published(rows) {
        for (const sink of new Set(rows.filter((r) => r.status === "pending").map((r) => r.sink))) wake(sink);
      },
      idle: release,
      recorded(row) {
        settledDuringRead.get(row.sink)?.add(row.seq);
      },
      async start() {
        await listener.ready.catch((err: unknown) =>
          logger.warn({ err }, "the outbox LISTEN connection failed; reconnecting"),
        );
        await scan();
        timer = setInterval(() => void scan(), options.scanIntervalMs);
        timer.unref();
      },
      async close() {
        closed = true;
        clearInterval(timer);
        await listener.close();
        await Promise.all(draining.values());
        await leases.close();
      },
    };
  };
}
