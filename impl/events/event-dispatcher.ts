import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { components } from "../../generated/r2.2/webrtc-events/types.ts";
import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { DomainEvent } from "../services/event-publisher.ts";
import type { Clock } from "../services/request-context.ts";
import type { SubscriptionHooks } from "../services/subscription-service.ts";
import type { SinkCredential, Store, SubscriptionRecord, SubscriptionStatus } from "../store/index.ts";
import { buildCloudEvent } from "./cloud-event.ts";
import { createEventMetrics } from "./event-metrics.ts";
import type { Delivery, SendOutcome } from "./http-sender.ts";
import type { NewOutboxRow, Outbox, OutboxRow } from "./outbox.ts";
import { createPublicationQueue } from "./publication-queue.ts";
import type { RetryPolicy } from "./retry-delay.ts";
import { createSinkLanes } from "./sink-lanes.ts";
import type { SinkPolicy } from "./sink-policy.ts";

type TerminationReason = components["schemas"]["TerminationReason"];
const ENDED = "org.camaraproject.webrtc-events.v0.subscription-ended";

export interface EventDispatcherOptions {
  readonly store: Store;
  readonly outbox: Outbox;
  readonly policy: SinkPolicy;
  readonly send: (delivery: Delivery) => Promise<SendOutcome>;
  /** CloudEvent `source` of every event (EVENT_SOURCE). */
  readonly source: string;
  readonly retry: RetryPolicy;
  /** Give up an event not accepted this long after publication, ms. */
  readonly maxAgeMs: number;
  /** How often subscription deadlines (expiry, token expiry, purge) are checked, ms. */
  readonly sweepIntervalMs: number;
  /** subscription-ended ACCESS_TOKEN_EXPIRED is sent this long before accessTokenExpiresUtc, ms. */
  readonly tokenExpiryLeadMs: number;
  /** An ended subscription stays readable (status EXPIRED/DELETED) this long, ms. */
  readonly endedRetentionMs: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly newId?: () => string;
}

/** The status a subscription ends in: CAMARA event guide §2.2.3 status table. */
function endedStatus(reason: TerminationReason): SubscriptionStatus {
  return reason === "NETWORK_TERMINATED" || reason === "SUBSCRIPTION_DELETED" ? "DELETED" : "EXPIRED";
}

/**
 * The webrtc-events dispatcher: matches each DomainEvent to the subscriptions it concerns, writes
 * one CloudEvent per subscription to the durable outbox before the publishing request answers,
 * delivers them per sink in order, and runs the subscription lifecycle (expiry, maximum events,
 * access-token expiry, 410 from the sink, end of the registration or session).
 */
export function createEventDispatcher(options: EventDispatcherOptions) {
  const { store, outbox, logger } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const newId = options.newId ?? randomUUID;
  const metrics = createEventMetrics(() => outbox.counts());
  const heldLogged = new Set<string>();
  let sweepTimer: NodeJS.Timeout | undefined;

  const queue = createPublicationQueue();
  const { serial, afterCreations: serialAfterCreations, committed } = queue;
  const noop = () => undefined;

  const lanes = createSinkLanes({
    outbox,
    send: options.send,
    mode: (sink) => options.policy.deliveryMode(sink),
    retry: options.retry,
    maxAgeMs: options.maxAgeMs,
    now: () => clock.now().getTime(),
    logger,
    metrics,
    onGone: (id) =>
      serialAfterCreations(async () => {
        const dropped = await outbox.dropSubscription(id, "the sink answered 410 Gone");
        lanes.forget(id);
        const record = await store.subscriptions.get(id);
        if (record?.status === "ACTIVE") await settleEnded(record, "DELETED");
        logger.warn({ subscriptionId: id, dropped }, "sink answered 410 Gone: subscription ended");
      }),
    onUnauthorized: (id) =>
      serialAfterCreations(async () => {
        const record = await store.subscriptions.get(id);
        // CAMARA event guide §2.2.3: a sink refusing the expired token shifts the subscription to
        // EXPIRED and "will trigger a subscription-ended event with terminationReason ACCESS_TOKEN_EXPIRED".
        if (record?.status === "ACTIVE")
          await end(record, "ACCESS_TOKEN_EXPIRED", "The sink refused the access token", randomUUID());
      }),
  });

  /** Queues rows in the outbox; once committed (never before) they join their sinks' lanes. */
  function append(rows: readonly NewOutboxRow[]): Promise<OutboxRow[]> {
    const appended = outbox.append(rows);
    appended.then((committed) => lanes.enqueue(committed), noop);
    return appended;
  }

  function authorization(record: SubscriptionRecord): string | null {
    const credential = record.request.sinkCredential as SinkCredential | undefined;
    if (credential?.credentialType !== "ACCESSTOKEN" || !credential.accessToken) return null;
    return `Bearer ${credential.accessToken}`;
  }

  function row(record: SubscriptionRecord, event: DomainEvent, correlator: string): NewOutboxRow {
    const now = clock.now();
    const id = newId();
    const cloudEvent = buildCloudEvent({
      id,
      source: options.source,
      time: now,
      subscriptionId: record.id,
      event,
    });
    const verdict = options.policy.deliveryMode(record.request.sink);
    if (verdict.kind === "hold" && !heldLogged.has(record.request.sink)) {
      heldLogged.add(record.request.sink);
      logger.warn({ sink: record.request.sink, reason: verdict.reason }, "deliveries to this sink are held");
    }
    const status = verdict.kind === "hold" ? "held" : "pending";
    metrics.published.inc({ type: event.type, status });
    return {
      eventId: id,
      subscriptionId: record.id,
      sink: record.request.sink,
      authorization: authorization(record),
      correlator,
      body: JSON.stringify(cloudEvent),
      status,
      createdAt: now.getTime(),
    };
  }

  function endedEvent(
    record: SubscriptionRecord,
    reason: TerminationReason,
    description: string,
    correlator: string,
  ) {
    return row(
      record,
      {
        type: ENDED,
        subscriptionId: record.id,
        correlator,
        data: { subscriptionId: record.id, terminationReason: reason, terminationDescription: description },
      },
      correlator,
    );
  }

  /** Marks a subscription ended and keeps it readable until the retention passes. */
  async function settleEnded(
    record: SubscriptionRecord,
    status: SubscriptionStatus,
    eventCount = record.eventCount,
  ) {
    await Promise.all([
      store.subscriptions.put({ ...record, status, eventCount }),
      outbox.clearDeadlines(record.id),
      outbox.setDeadline(record.id, "purge", clock.now().getTime() + options.endedRetentionMs),
    ]);
  }

  /** Ends an active subscription: subscription-ended to its sink, then its final status. */
  async function end(
    record: SubscriptionRecord,
    reason: TerminationReason,
    description: string,
    correlator: string,
  ) {
    if (record.status !== "ACTIVE") return;
    const appended = append([endedEvent(record, reason, description, correlator)]);
    await Promise.all([appended, settleEnded(record, endedStatus(reason))]);
    logger.info({ subscriptionId: record.id, reason, correlator }, "subscription ended");
  }

  /** The reason an active subscription has already ended by time, if it has. */
  function lapsed(record: SubscriptionRecord): TerminationReason | undefined {
    const now = clock.now().getTime();
    if (record.expiresAt && Date.parse(record.expiresAt) <= now) return "SUBSCRIPTION_EXPIRED";
    const expires = (record.request.sinkCredential as SinkCredential | undefined)?.accessTokenExpiresUtc;
    if (expires && Date.parse(expires) - options.tokenExpiryLeadMs <= now) return "ACCESS_TOKEN_EXPIRED";
    return undefined;
  }

  const DESCRIPTIONS: Record<TerminationReason, string> = {
    SUBSCRIPTION_EXPIRED: "The subscription expire time was reached",
    ACCESS_TOKEN_EXPIRED: "The sink credential's access token expires",
    MAX_EVENTS_REACHED: "The maximum number of events was reached",
    NETWORK_TERMINATED: "The gateway stopped sending notifications",
    SUBSCRIPTION_DELETED: "Deleted by the API client",
  };

  /**
   * One event to one subscription, counted against subscriptionMaxEvents; returns the subscription
   * as it now is. The outbox write joins `writes` (committed before the publisher answers); a change
   * of the subscription is awaited here, since the next step reads it.
   */
  async function deliverTo(
    record: SubscriptionRecord,
    event: DomainEvent,
    correlator: string,
    writes: Promise<unknown>[],
  ): Promise<SubscriptionRecord> {
    const reason = lapsed(record);
    if (reason) {
      await end(record, reason, DESCRIPTIONS[reason], correlator);
      return { ...record, status: endedStatus(reason) };
    }
    const eventCount = record.eventCount + 1;
    const max = record.request.config.subscriptionMaxEvents;
    const rows = [row(record, event, correlator)];
    const lastAllowed = max !== undefined && eventCount >= max;
    // The last allowed event and the subscription-ended after it are written together.
    if (lastAllowed)
      rows.push(endedEvent(record, "MAX_EVENTS_REACHED", DESCRIPTIONS.MAX_EVENTS_REACHED, correlator));
    writes.push(append(rows));
    if (lastAllowed) {
      await settleEnded(record, "EXPIRED", eventCount);
      return { ...record, status: "EXPIRED", eventCount };
    }
    // eventCount exists for subscriptionMaxEvents: without a maximum it is not kept (one write less per event).
    if (max !== undefined) await store.subscriptions.put({ ...record, eventCount });
    return { ...record, eventCount };
  }

  function matches(record: SubscriptionRecord, event: DomainEvent): boolean {
    if (record.status !== "ACTIVE" || record.request.types[0] !== event.type) return false;
    if (event.type === "org.camaraproject.webrtc-events.v0.session-status")
      return record.request.config.subscriptionDetail.sessionId === event.mediaSessionId;
    return true;
  }

  /**
   * The registrationId these subscriptions name is gone: nothing more can match its invitation and
   * registration-ends subscriptions. Session-status ones follow their session, which may outlive it.
   */
  async function endRegistrationSubscriptions(
    registrationId: string,
    description: string,
    correlator: string,
  ) {
    for (const record of await store.subscriptions.listByRegistration(registrationId)) {
      if (record.request.types[0] !== "org.camaraproject.webrtc-events.v0.session-status")
        await end(record, "NETWORK_TERMINATED", description, correlator);
    }
  }

  async function publish(event: DomainEvent, writes: Promise<unknown>[]): Promise<void> {
    if (event.type === ENDED) {
      const record = await store.subscriptions.get(event.subscriptionId);
      if (record)
        await end(
          record,
          event.data.terminationReason,
          event.data.terminationDescription ?? "",
          event.correlator,
        );
      return;
    }
    const related = await store.subscriptions.listByRegistration(event.registrationId);
    for (const record of related.filter((r) => matches(r, event)))
      await deliverTo(record, event, event.correlator, writes);
    if (event.type === "org.camaraproject.webrtc-events.v0.registration-ends")
      await endRegistrationSubscriptions(event.registrationId, "The registration ended", event.correlator);
    if (
      event.type === "org.camaraproject.webrtc-events.v0.session-status" &&
      event.data.status !== undefined &&
      TERMINAL_STATUSES.has(event.data.status)
    ) {
      for (const record of await store.subscriptions.listByRegistration(event.registrationId)) {
        if (matches(record, event))
          await end(record, "NETWORK_TERMINATED", "The media session ended", event.correlator);
      }
    }
  }

  async function sweep(): Promise<void> {
    for (const due of outbox.dueDeadlines(clock.now().getTime())) {
      await outbox.clearDeadlines(due.subscriptionId, due.kind);
      const record = await store.subscriptions.get(due.subscriptionId);
      if (!record) continue;
      const correlator = randomUUID();
      if (due.kind === "expire")
        await end(record, "SUBSCRIPTION_EXPIRED", DESCRIPTIONS.SUBSCRIPTION_EXPIRED, correlator);
      else if (due.kind === "token")
        await end(record, "ACCESS_TOKEN_EXPIRED", DESCRIPTIONS.ACCESS_TOKEN_EXPIRED, correlator);
      else if (record.status !== "ACTIVE") await store.subscriptions.delete(record.id);
    }
  }

  const hooks: SubscriptionHooks = {
    async admitSink(sink) {
      await options.policy.admit(sink);
    },
    registrationDeleted: (registrationId, correlator) =>
      committed(serialAfterCreations, () =>
        endRegistrationSubscriptions(registrationId, "The registration was deleted", correlator),
      ),
    // In the publication queue: an event published before this runs was decided before the
    // subscription existed and is not delivered to it (its initial event carries that state). The
    // request answers once the subscription, its deadlines and initial events are committed.
    created: (record, steps, correlator) =>
      committed(serial, async (writes) => {
        const stored = steps.store();
        writes.push(stored);
        queue.creationStored(stored);
        if (record.expiresAt)
          writes.push(outbox.setDeadline(record.id, "expire", Date.parse(record.expiresAt)));
        const expires = (record.request.sinkCredential as SinkCredential | undefined)?.accessTokenExpiresUtc;
        if (expires)
          writes.push(
            outbox.setDeadline(record.id, "token", Date.parse(expires) - options.tokenExpiryLeadMs),
          );
        let current = record;
        for (const event of await steps.initialEvents())
          current = await deliverTo(current, event, correlator, writes);
      }),
  };

  return {
    /** Resolves once the event's outbox rows are committed (the publishing request may answer). */
    publish: (event: DomainEvent): Promise<void> =>
      committed(serialAfterCreations, (writes) => publish(event, writes)),
    hooks,
    metrics,
    /** Delivers what the outbox holds (after a restart too) and starts the deadline sweep. */
    start(): void {
      for (const sink of outbox.heldSinks()) {
        if (options.policy.deliveryMode(sink).kind === "deliver") outbox.release(sink);
      }
      lanes.enqueue(outbox.pending());
      sweepTimer = setInterval(() => {
        serialAfterCreations(sweep).catch((err: unknown) =>
          logger.error({ err }, "subscription sweep failed"),
        );
      }, options.sweepIntervalMs);
      sweepTimer.unref();
    },
    /** Resolves when nothing is waiting for delivery (tests, benchmarks). */
    whenIdle: () => lanes.whenIdle(),
    /** Stops delivering; what was not accepted stays in the outbox for the next start. */
    async close(): Promise<void> {
      clearInterval(sweepTimer);
      lanes.close();
      await queue.drained();
    },
  };
}

export type EventDispatcher = ReturnType<typeof createEventDispatcher>;
