import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "../services/clock.ts";
import type { Notification, NotificationOutbox, SinkFeedback } from "../services/notification-outbox.ts";
import { buildCloudEvent } from "./cloud-event.ts";
import { createEventMetrics } from "./event-metrics.ts";
import type { EventOutbox, Eventually } from "./event-outbox.ts";
import type { Delivery, SendOutcome } from "./http-sender.ts";
import type { NewOutboxRow } from "./outbox.ts";
import type { RetryPolicy } from "./retry-delay.ts";
import type { LaneSharing, LocalLanes } from "./shared-lanes.ts";
import { createSinkLanes } from "./sink-lanes.ts";
import type { SinkPolicy } from "./sink-policy.ts";

export interface EventDispatcherOptions {
  readonly outbox: EventOutbox;
  /**
   * Serves each sink's lane on one node of the cluster at a time (shared-lanes.ts, with the
   * PostgreSQL outbox); without it this process delivers every pending row of its outbox.
   */
  readonly share?: (lanes: LocalLanes) => LaneSharing;
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

  let sharing: LaneSharing | undefined;
  const lanes = createSinkLanes({
    outbox,
    onIdle: (sink) => sharing?.idle(sink),
    onRecorded: (row) => sharing?.recorded(row),
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
  sharing = options.share?.(lanes);

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
      appended.then((committed) => (sharing ? sharing.published(committed) : lanes.enqueue(committed)), noop);
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
      const started = whenRead(outbox.heldSinks(), (held) => {
        const released = held
          .filter((sink) => options.policy.deliveryMode(sink).kind === "deliver")
          .map((sink) => outbox.release(sink));
        return whenRead(released.some((r) => r instanceof Promise) ? Promise.all(released) : released, () =>
          sharing ? sharing.start() : whenRead(outbox.pending(), (rows) => lanes.enqueue(rows)),
        );
      });
      if (started instanceof Promise)
        started.catch((err: unknown) => logger.error({ err }, "could not start event delivery"));
    },
    /** Resolves when nothing is waiting for delivery (tests, benchmarks). */
    whenIdle: () => lanes.whenIdle(),
    /** Stops delivering; what was not accepted stays in the outbox for the next start. */
    async close(): Promise<void> {
      lanes.close();
      await sharing?.close();
    },
  };
}

/** `then` for a value read now (SQLite: the start stays synchronous) or later (PostgreSQL). */
function whenRead<T, R>(value: Eventually<T>, next: (value: T) => R): R | Promise<unknown> {
  return value instanceof Promise ? value.then(next) : next(value);
}

export type EventDispatcher = ReturnType<typeof createEventDispatcher>;
