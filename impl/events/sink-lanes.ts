import { attemptHead, type LaneDeps, type LaneItem } from "./lane-attempt.ts";
import type { OutboxRow } from "./outbox.ts";

export type SinkLanesDeps = LaneDeps;

interface Lane {
  readonly sink: string;
  readonly queue: LaneItem[];
  running: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Delivery lanes, one per sink URL: each lane sends its events strictly in outbox order with one
 * request in flight, and waits (back-off, Retry-After) without blocking any other lane — so a slow
 * or failing sink never delays the others.
 */
export function createSinkLanes(deps: SinkLanesDeps) {
  const lanes = new Map<string, Lane>();
  const idleWaiters: (() => void)[] = [];
  let closed = false;

  /**
   * Records an outcome in the outbox without holding up the lane: the next event goes out while the
   * write waits for this turn's commit. Losing it to a crash only means a row is tried again.
   */
  function record(write: Promise<unknown>, row: OutboxRow) {
    write.catch((err: unknown) =>
      deps.logger.error({ err, eventId: row.eventId }, "could not record a delivery outcome in the outbox"),
    );
  }

  function settleIdle() {
    if ([...lanes.values()].some((l) => l.queue.length > 0)) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  function schedule(lane: Lane) {
    if (closed || lane.running || lane.timer) return;
    const head = lane.queue[0];
    if (!head) {
      lanes.delete(lane.sink);
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
    lane.running = true;
    void attemptHead(lane.queue, deps, record, () => closed).finally(() => {
      lane.running = false;
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
          lane = { sink: row.sink, queue: [], running: false, timer: undefined };
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
