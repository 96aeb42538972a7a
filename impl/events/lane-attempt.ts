import type { Logger } from "pino";
import type { EventMetrics } from "./event-metrics.ts";
import type { EventOutbox } from "./event-outbox.ts";
import type { Delivery, SendOutcome } from "./http-sender.ts";
import type { OutboxRow } from "./outbox.ts";
import { nextAttemptDelayMs, type RetryPolicy } from "./retry-delay.ts";
import type { SinkVerdict } from "./sink-policy.ts";

/** What a sink lane needs: the outbox, the sender, the sink policy and where sinks' answers go. */
export interface LaneDeps {
  readonly outbox: EventOutbox;
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

/** A row in a lane, with its attempts so far and when the next may start (epoch ms). */
export interface LaneItem {
  readonly row: OutboxRow;
  attempts: number;
  nextAttemptAt: number;
}

/**
 * One attempt at the head of a lane's queue: sends it (unless too old or no longer deliverable) and
 * records the outcome; the head leaves the queue unless it is to be retried. `record` keeps an
 * outbox write from holding up the lane.
 */
export async function attemptHead(
  queue: LaneItem[],
  deps: LaneDeps,
  record: (write: Promise<unknown>, row: OutboxRow) => void,
  isClosed: () => boolean,
): Promise<void> {
  const item = queue[0];
  if (!item) return;
  const { row } = item;
  if (deps.now() - row.createdAt > deps.maxAgeMs) {
    record(deps.outbox.settle(row.seq, "expired", `not accepted within ${deps.maxAgeMs} ms`), row);
    deps.logger.error({ eventId: row.eventId, sink: row.sink }, "event expired undelivered");
    queue.shift();
    return;
  }
  const verdict = deps.mode(row.sink);
  if (verdict.kind !== "deliver") {
    queue.shift(); // stays `held` in the outbox: only pending rows reach a lane
    return;
  }
  const outcome = await deps.send({
    sink: row.sink,
    body: row.body,
    correlator: row.correlator,
    authorization: row.authorization,
    trust: verdict.trust,
  });
  if (isClosed()) return; // the row stays pending and is sent again after a restart
  deps.metrics.attempts.inc({ outcome: outcome.kind });
  item.attempts += 1;
  switch (outcome.kind) {
    case "accepted":
      record(deps.outbox.delivered(row.seq), row);
      deps.metrics.latency.observe((deps.now() - row.createdAt) / 1000);
      queue.shift();
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
      queue.shift();
      record(deps.outbox.settle(row.seq, "dropped", "the sink answered 410 Gone"), row);
      await deps.onGone(row.subscriptionId);
      return;
    case "unauthorized":
      queue.shift();
      record(deps.outbox.settle(row.seq, "failed", "the sink answered 401 to the sink credential"), row);
      await deps.onUnauthorized(row.subscriptionId);
      return;
    case "rejected":
      queue.shift();
      record(deps.outbox.settle(row.seq, "failed", `the sink answered ${outcome.status}`), row);
      deps.logger.error(
        { eventId: row.eventId, sink: row.sink, status: outcome.status },
        "sink refused event",
      );
      return;
  }
}
