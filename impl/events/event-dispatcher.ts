import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "../runtime/request-context.ts";
import type { Notification, NotificationOutbox, SinkFeedback } from "../services/notification-outbox.ts";
import { buildCloudEvent } from "./cloud-event.ts";
import { createEventMetrics } from "./event-metrics.ts";
import type { Delivery, SendOutcome } from "./http-sender.ts";
import type { NewOutboxRow, Outbox } from "./outbox.ts";
import type { RetryPolicy } from "./retry-delay.ts";
import { createSinkLanes } from "./sink-lanes.ts";
import type { SinkPolicy } from "./sink-policy.ts";

export interface EventDispatcherOptions {
  readonly outbox: Outbox;
  readonly policy: SinkPolicy;
  readonly send: (delivery: Delivery) => Promise<SendOutcome>;
  /** CloudEvent `source` of every event (EVENT_SOURCE). */
  readonly source: string;
  readonly retry: RetryPolicy;
  /** Give up an event not accepted this long after publication, ms. */
  readonly maxAgeMs: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly newId?: () => string;
}

/**
 * webrtc-events delivery: writes each notification the subscription lifecycle decided on as one
 * CloudEvent to the durable outbox, then delivers them per sink in order (sink lanes), and reports
 * what a sink answered that ends a subscription (410, 401) to the {@link SinkFeedback} it was
 * started with. It never reads or writes a subscription.
 */
export function createEventDispatcher(options: EventDispatcherOptions) {
  const { outbox, logger } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const newId = options.newId ?? randomUUID;
  const metrics = createEventMetrics(() => outbox.counts());
  const heldLogged = new Set<string>();
  const noop = () => undefined;
  let feedback: SinkFeedback | undefined;
  const unheard = (answer: string) => async (subscriptionId: string) => {
    logger.warn({ subscriptionId }, `the sink answered ${answer} before delivery was started`);
  };

  const lanes = createSinkLanes({
    outbox,
    send: options.send,
    mode: (sink) => options.policy.deliveryMode(sink),
    retry: options.retry,
    maxAgeMs: options.maxAgeMs,
    now: () => clock.now().getTime(),
    logger,
    metrics,
    onGone: (id) => (feedback ? feedback.gone(id) : unheard("410")(id)),
    onUnauthorized: (id) => (feedback ? feedback.unauthorized(id) : unheard("401")(id)),
  });

  /** The outbox row of one notification: its CloudEvent, held when its sink is not delivered to. */
  function row(notification: Notification): NewOutboxRow {
    const now = clock.now();
    const id = newId();
    const { subscriptionId, sink, event } = notification;
    const cloudEvent = buildCloudEvent({ id, source: options.source, time: now, subscriptionId, event });
    const verdict = options.policy.deliveryMode(sink);
    if (verdict.kind === "hold" && !heldLogged.has(sink)) {
      heldLogged.add(sink);
      logger.warn({ sink, reason: verdict.reason }, "deliveries to this sink are held");
    }
    const status = verdict.kind === "hold" ? "held" : "pending";
    metrics.published.inc({ type: event.type, status });
    return {
      eventId: id,
      subscriptionId,
      sink,
      authorization: notification.accessToken ? `Bearer ${notification.accessToken}` : null,
      correlator: event.correlator,
      body: JSON.stringify(cloudEvent),
      status,
      createdAt: now.getTime(),
    };
  }

  const notifications: NotificationOutbox = {
    async admitSink(sink) {
      await options.policy.admit(sink);
    },
    // Queued in the outbox at once, so in call order; once committed (never before) they join their lanes.
    async write(batch) {
      const appended = outbox.append(batch.map(row));
      appended.then((committed) => lanes.enqueue(committed), noop);
      await appended;
    },
    async drop(subscriptionId, reason) {
      const dropped = await outbox.dropSubscription(subscriptionId, reason);
      lanes.forget(subscriptionId);
      return dropped;
    },
  };

  return {
    ...notifications,
    metrics,
    /** Delivers what the outbox holds (after a restart too); sinks' answers go to `sinkFeedback`. */
    start(sinkFeedback: SinkFeedback): void {
      feedback = sinkFeedback;
      for (const sink of outbox.heldSinks()) {
        if (options.policy.deliveryMode(sink).kind === "deliver") outbox.release(sink);
      }
      lanes.enqueue(outbox.pending());
    },
    /** Resolves when nothing is waiting for delivery (tests, benchmarks). */
    whenIdle: () => lanes.whenIdle(),
    /** Stops delivering; what was not accepted stays in the outbox for the next start. */
    async close(): Promise<void> {
      lanes.close();
    },
  };
}

export type EventDispatcher = ReturnType<typeof createEventDispatcher>;
