import type { Logger } from "pino";
import type { EventMetrics } from "./event-metrics.ts";
import type { Delivery, SendOutcome } from "./http-sender.ts";
import type { Outbox, OutboxRow } from "./outbox.ts";
import { nextAttemptDelayMs, type RetryPolicy } from "./retry-delay.ts";
import type { SinkVerdict } from "./sink-policy.ts";

export interface SinkLanesDeps {
  readonly outbox: Outbox;
  readonly send: (delivery: Delivery) => Promise<SendOutcome>;
  readonly mode: (sink: string) => SinkVerdict;
  readonly retry: RetryPolicy;
  /** An event not accepted this long after publication is given up (status `expired`), ms. */
  readonly maxAgeMs: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: EventMetrics;
  /** The sink answered 410 Gone for an event of this subscription. */
  readonly onGone: (subscriptionId: string) => Promise<void>;
  /** The sink answered 401 to the subscription's access token. */
  readonly onUnauthorized: (subscriptionId: string) => Promise<void>;
}

interface Lane {
  readonly sink: string;
  readonly queue: { row: OutboxRow; attempts: number; nextAttemptAt: number }[];
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
    void attempt(lane).finally(() => {
      lane.running = false;
      schedule(lane);
    });
  }

  async function attempt(lane: Lane): Promise<void> {
    const item = lane.queue[0];
    if (!item) return;
    const { row } = item;
    if (deps.now() - row.createdAt > deps.maxAgeMs) {
      record(deps.outbox.settle(row.seq, "expired", `not accepted within ${deps.maxAgeMs} ms`), row);
      deps.logger.error({ eventId: row.eventId, sink: row.sink }, "event expired undelivered");
      lane.queue.shift();
      return;
    }
    const verdict = deps.mode(row.sink);
    if (verdict.kind !== "deliver") {
      lane.queue.shift(); // stays `held` in the outbox: only pending rows reach a lane
      return;
    }
    const outcome = await deps.send({
      sink: row.sink,
      body: row.body,
      correlator: row.correlator,
      authorization: row.authorization,
      trust: verdict.trust,
    });
    if (closed) return; // the row stays pending and is sent again after a restart
    deps.metrics.attempts.inc({ outcome: outcome.kind });
    item.attempts += 1;
    switch (outcome.kind) {
      case "accepted":
        record(deps.outbox.delivered(row.seq), row);
        deps.metrics.latency.observe((deps.now() - row.createdAt) / 1000);
        lane.queue.shift();
        return;
      case "retry": {
        const delay = nextAttemptDelayMs(item.attempts, outcome.retryAfterMs, deps.retry);
        item.nextAttemptAt = deps.now() + delay;
        record(deps.outbox.retryLater(row.seq, item.attempts, item.nextAttemptAt, outcome.error), row);
        deps.logger.warn(
          {
            eventId: row.eventId,
            sink: row.sink,
            attempts: item.attempts,
            retryInMs: delay,
            error: outcome.error,
          },
          "event delivery failed; will retry",
        );
        return;
      }
      case "gone":
        lane.queue.shift();
        record(deps.outbox.settle(row.seq, "dropped", "the sink answered 410 Gone"), row);
        await deps.onGone(row.subscriptionId);
        return;
      case "unauthorized":
        lane.queue.shift();
        record(deps.outbox.settle(row.seq, "failed", "the sink answered 401 to the sink credential"), row);
        await deps.onUnauthorized(row.subscriptionId);
        return;
      case "rejected":
        lane.queue.shift();
        record(deps.outbox.settle(row.seq, "failed", `the sink answered ${outcome.status}`), row);
        deps.logger.error(
          { eventId: row.eventId, sink: row.sink, status: outcome.status },
          "sink refused event",
        );
        return;
    }
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
