import { attemptHead, type LaneDeps, type LaneItem } from "./lane-attempt.ts";
import type { OutboxRow } from "./outbox.ts";

export interface SinkLanesDeps extends LaneDeps {
  /** A sink's lane has nothing left to send (the cluster gives its lease up). */
  readonly onIdle?: (sink: string) => void;
  /** A delivery outcome of this row was written to the outbox (or the write failed). */
  readonly onRecorded?: (row: OutboxRow) => void;
}

interface Lane {
  readonly sink: string;
  readonly queue: LaneItem[];
  running: Promise<void> | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Delivery lanes, one per sink URL: each lane sends its events strictly in outbox order with one
 * request in flight, and waits (back-off, Retry-After) without blocking any other lane — so a slow
 * or failing sink never delays the others.
 */
export function createSinkLanes(deps: SinkLanesDeps) {
  const lanes = new Map<string, Lane>();
  /** Per sink, the rows whose outcome is being written: the lane is not idle before they commit. */
  const recording = new Map<string, Set<number>>();
  const idleWaiters: (() => void)[] = [];
  let closed = false;

  /**
   * Records an outcome in the outbox without holding up the lane: the next event goes out while the
   * write waits for this turn's commit. Losing it to a crash only means a row is tried again.
   */
  function record(write: Promise<unknown>, row: OutboxRow) {
    const writing = recording.get(row.sink) ?? new Set();
    writing.add(row.seq);
    recording.set(row.sink, writing);
    write
      .catch((err: unknown) =>
        deps.logger.error({ err, eventId: row.eventId }, "could not record a delivery outcome in the outbox"),
      )
      .finally(() => {
        writing.delete(row.seq);
        if (writing.size === 0 && recording.get(row.sink) === writing) recording.delete(row.sink);
        deps.onRecorded?.(row);
        if (!lanes.has(row.sink) && !recording.has(row.sink)) deps.onIdle?.(row.sink);
      });
  }

  function settleIdle() {
    if ([...lanes.values()].some((l) => l.queue.length > 0)) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  function schedule(lane: Lane) {
    if (closed || lane.running || lane.timer || lanes.get(lane.sink) !== lane) return;
    const head = lane.queue[0];
    if (!head) {
      lanes.delete(lane.sink);
      if (!recording.has(lane.sink)) deps.onIdle?.(lane.sink);
      settleIdle();
      return;
    }
    const wait = head.nextAttemptAt - deps.now();
    if (wait > 0) {
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        schedule(lane);
      }, wait);
      return;
    }
    lane.running = attemptHead(lane.queue, deps, record, () => closed).finally(() => {
      lane.running = undefined;
      schedule(lane);
    });
  }

  return {
    /** Queues pending rows (in outbox order) behind whatever their sinks already have. */
    enqueue(rows: readonly OutboxRow[]): void {
      for (const row of rows) {
        if (row.status !== "pending") continue;
        let lane = lanes.get(row.sink);
        if (!lane) {
          lane = { sink: row.sink, queue: [], running: undefined, timer: undefined };
          lanes.set(row.sink, lane);
        }
        lane.queue.push({ row, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt });
        schedule(lane);
      }
    },
    /**
     * Forgets the queued rows of a subscription (the caller settled them in the outbox). Called
     * from a lane's own 410 handling, after the row in flight left the queue.
     */
    forget(subscriptionId: string): void {
      for (const lane of lanes.values()) {
        const keep = lane.queue.filter((q) => q.row.subscriptionId !== subscriptionId);
        lane.queue.splice(0, lane.queue.length, ...keep);
      }
    },
    /** Sequence numbers of a sink's rows queued, in flight or whose outcome is being written. */
    queued(sink: string): Set<number> {
      return new Set([
        ...(lanes.get(sink)?.queue.map((q) => q.row.seq) ?? []),
        ...(recording.get(sink) ?? []),
      ]);
    },
    /**
     * Stops serving a sink at once (its lease was lost): its queue is forgotten, the rows stay
     * pending in the outbox. Resolves once the attempt in flight, if any, has ended.
     */
    async abandon(sink: string): Promise<void> {
      const lane = lanes.get(sink);
      if (!lane) return;
      lanes.delete(sink);
      clearTimeout(lane.timer);
      lane.queue.splice(0);
      settleIdle();
      await lane.running;
    },
    /** Resolves once every lane is empty (tests and benchmarks). */
    whenIdle(): Promise<void> {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    /** Stops sending; rows not yet accepted stay pending in the outbox. */
    close(): void {
      closed = true;
      for (const lane of lanes.values()) clearTimeout(lane.timer);
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}
