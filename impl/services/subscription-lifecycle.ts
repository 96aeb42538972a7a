import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { DeadlineBook, Store, SubscriptionRecord, SubscriptionStatus } from "../store/index.ts";
import type { Clock } from "./clock.ts";
import type { DomainEvent, PublishedEvent } from "./event-publisher.ts";
import { readInitialEvents } from "./initial-events.ts";
import type { NotificationOutbox } from "./notification-outbox.ts";
import { createPublicationQueue } from "./publication-queue.ts";
import {
  endedNotification,
  endedStatus,
  lapsed,
  matches,
  notification,
  TERMINATION_DESCRIPTIONS,
  type TerminationReason,
  tokenExpiry,
} from "./subscription-rules.ts";

/** Event delivery and the timing of subscriptions' ends (EVENT_* settings). */
export interface SubscriptionDelivery {
  readonly outbox: NotificationOutbox;
  readonly deadlines: DeadlineBook;
  /** How often deadlines (expiry, token expiry, purge) are checked, ms. */
  readonly sweepIntervalMs: number;
  /**
   * Runs each sweep; in a cluster, on one node at a time (runOnceInCluster), so that each deadline
   * is acted on once. Default: at once.
   */
  readonly runSweep?: (sweep: () => Promise<void>) => Promise<unknown>;
  /** subscription-ended ACCESS_TOKEN_EXPIRED is sent this long before accessTokenExpiresUtc, ms. */
  readonly tokenExpiryLeadMs: number;
  /** An ended subscription stays readable (status EXPIRED/DELETED) this long, ms. */
  readonly endedRetentionMs: number;
}

export interface SubscriptionLifecycleDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Without it, subscriptions are kept and nothing is delivered or timed (in-process tests). */
  readonly delivery?: SubscriptionDelivery;
}

/** No delivery: notifications go nowhere and no deadline is kept. */
const UNDELIVERED: SubscriptionDelivery = {
  outbox: { admitSink: async () => undefined, write: async () => undefined, drop: async () => 0 },
  deadlines: {
    setDeadline: async () => undefined,
    dueDeadlines: () => [],
    clearDeadlines: async () => undefined,
  },
  sweepIntervalMs: 0,
  tokenExpiryLeadMs: 0,
  endedRetentionMs: 0,
};

type Owner = Required<SubscriptionLifecycleDeps>;

/** Marks a subscription ended and keeps it readable until the retention passes. */
async function settleEnded(
  o: Owner,
  record: SubscriptionRecord,
  status: SubscriptionStatus,
  eventCount = record.eventCount,
) {
  const { deadlines, endedRetentionMs } = o.delivery;
  await Promise.all([
    o.store.subscriptions.put({ ...record, status, eventCount }),
    deadlines.clearDeadlines(record.id),
    deadlines.setDeadline(record.id, "purge", o.clock.now().getTime() + endedRetentionMs),
  ]);
}

/** Ends an active subscription: subscription-ended to its sink, then its final status. */
async function end(
  o: Owner,
  record: SubscriptionRecord,
  reason: TerminationReason,
  description: string,
  correlator: string,
) {
  if (record.status !== "ACTIVE") return;
  const written = o.delivery.outbox.write([endedNotification(record, reason, description, correlator)]);
  await Promise.all([written, settleEnded(o, record, endedStatus(reason))]);
  o.logger.info({ subscriptionId: record.id, reason, correlator }, "subscription ended");
}

/**
 * One event to one subscription, counted against subscriptionMaxEvents; returns the subscription
 * as it now is. The outbox write joins `writes` (committed before the publisher answers); a change
 * of the subscription is awaited here, since the next step reads it.
 */
async function deliverTo(
  o: Owner,
  record: SubscriptionRecord,
  event: DomainEvent,
  writes: Promise<unknown>[],
): Promise<SubscriptionRecord> {
  const reason = lapsed(record, o.clock.now().getTime(), o.delivery.tokenExpiryLeadMs);
  if (reason) {
    await end(o, record, reason, TERMINATION_DESCRIPTIONS[reason], event.correlator);
    return { ...record, status: endedStatus(reason) };
  }
  const eventCount = record.eventCount + 1;
  const max = record.request.config.subscriptionMaxEvents;
  const notifications = [notification(record, event)];
  const lastAllowed = max !== undefined && eventCount >= max;
  // The last allowed event and the subscription-ended after it are written together.
  if (lastAllowed) {
    const description = TERMINATION_DESCRIPTIONS.MAX_EVENTS_REACHED;
    notifications.push(endedNotification(record, "MAX_EVENTS_REACHED", description, event.correlator));
  }
  writes.push(o.delivery.outbox.write(notifications));
  if (lastAllowed) {
    await settleEnded(o, record, "EXPIRED", eventCount);
    return { ...record, status: "EXPIRED", eventCount };
  }
  // eventCount exists for subscriptionMaxEvents: without a maximum it is not kept (one write less per event).
  if (max !== undefined) await o.store.subscriptions.put({ ...record, eventCount });
  return { ...record, eventCount };
}

/**
 * The registrationId these subscriptions name is gone: nothing more can match its invitation and
 * registration-ends subscriptions. Session-status ones follow their session, which may outlive it.
 */
async function endRegistrationSubscriptions(
  o: Owner,
  registrationId: string,
  description: string,
  correlator: string,
) {
  for (const record of await o.store.subscriptions.listByRegistration(registrationId)) {
    if (record.request.types[0] !== "org.camaraproject.webrtc-events.v0.session-status")
      await end(o, record, "NETWORK_TERMINATED", description, correlator);
  }
}

/**
 * The subscriptions an event may match: r2.2's of its registration, and r3.1's of its registration's
 * owner (keyed by deviceId), with that device: the event's own (a session keeps its registration's
 * device, so its events reach r3.1's after the registration is gone), else the stored registration's.
 */
async function candidates(o: Owner, event: PublishedEvent) {
  const byRegistration = o.store.subscriptions.listByRegistration(event.registrationId);
  const device =
    ("device" in event ? event.device : undefined) ?? (await o.store.registrations.get(event.registrationId));
  if (!device) return { device, related: await byRegistration };
  const byDevice = (await o.store.subscriptions.listByOwner(device.owner)).filter(
    (r) => r.release === "r3.1-rc.1",
  );
  return {
    device: { owner: device.owner, deviceId: device.deviceId },
    related: [...(await byRegistration), ...byDevice],
  };
}

/** An event to every subscription it matches; what it ends (registration, session) ends theirs. */
async function match(o: Owner, event: PublishedEvent, writes: Promise<unknown>[]): Promise<void> {
  const { device, related } = await candidates(o, event);
  for (const record of related.filter((r) => matches(r, event, device)))
    await deliverTo(o, record, event, writes);
  if (event.type === "org.camaraproject.webrtc-events.v0.registration-ends")
    await endRegistrationSubscriptions(o, event.registrationId, "The registration ended", event.correlator);
  if (
    event.type === "org.camaraproject.webrtc-events.v0.session-status" &&
    event.data.status !== undefined &&
    TERMINAL_STATUSES.has(event.data.status)
  ) {
    for (const record of await o.store.subscriptions.listByRegistration(event.registrationId)) {
      if (matches(record, event))
        await end(o, record, "NETWORK_TERMINATED", "The media session ended", event.correlator);
    }
  }
}

/** Runs the deadlines that fell due: expiry and token expiry end, purge removes an ended one. */
async function sweep(o: Owner): Promise<void> {
  const { deadlines } = o.delivery;
  for (const due of await deadlines.dueDeadlines(o.clock.now().getTime())) {
    await deadlines.clearDeadlines(due.subscriptionId, due.kind);
    const record = await o.store.subscriptions.get(due.subscriptionId);
    if (!record) continue;
    const correlator = randomUUID();
    if (due.kind === "expire")
      await end(o, record, "SUBSCRIPTION_EXPIRED", TERMINATION_DESCRIPTIONS.SUBSCRIPTION_EXPIRED, correlator);
    else if (due.kind === "token")
      await end(o, record, "ACCESS_TOKEN_EXPIRED", TERMINATION_DESCRIPTIONS.ACCESS_TOKEN_EXPIRED, correlator);
    else if (record.status !== "ACTIVE") await o.store.subscriptions.delete(record.id);
  }
}

/** Stores a new subscription and schedules its deadlines; returns the store write (not awaited). */
function storeCreation(o: Owner, record: SubscriptionRecord, writes: Promise<unknown>[]): Promise<unknown> {
  const { deadlines, tokenExpiryLeadMs } = o.delivery;
  const stored = o.store.subscriptions.put(record);
  writes.push(stored);
  if (record.expiresAt) writes.push(deadlines.setDeadline(record.id, "expire", Date.parse(record.expiresAt)));
  const expires = tokenExpiry(record);
  if (expires)
    writes.push(deadlines.setDeadline(record.id, "token", Date.parse(expires) - tokenExpiryLeadMs));
  return stored;
}

/**
 * The one owner of subscription records (webrtc-events): it creates, counts, ends and removes them,
 * and decides which events each subscription receives. Everything that reads or changes
 * subscriptions runs one at a time in its publication queue; event delivery (impl/events) only
 * carries the notifications it decides on, and reports what the sinks answered.
 */
export function createSubscriptionLifecycle(deps: SubscriptionLifecycleDeps) {
  const o: Owner = { ...deps, delivery: deps.delivery ?? UNDELIVERED };
  const queue = createPublicationQueue();
  const { serial, afterCreations, committed } = queue;
  let sweepTimer: NodeJS.Timeout | undefined;

  const lifecycle = {
    /** Refuses a sink the gateway must not deliver to, with ApiError INVALID_SINK. */
    admitSink: (sink: string): Promise<void> => o.delivery.outbox.admitSink(sink),

    /** Resolves once the event's notifications are committed (the publishing request may answer). */
    publish: (event: PublishedEvent): Promise<void> =>
      committed(afterCreations, (writes) => match(o, event, writes)),

    /**
     * Creates a subscription in publication order: it receives exactly the events published after
     * it exists (its initial events carry the state before). Resolves once all of it is committed.
     */
    create: (record: SubscriptionRecord, correlator: string): Promise<void> =>
      committed(serial, async (writes) => {
        queue.creationStored(storeCreation(o, record, writes));
        let current = record;
        for (const event of await readInitialEvents(o.store, record, correlator))
          current = await deliverTo(o, current, event, writes);
      }),

    /**
     * PUT /subscriptions/{id} (r3.1): `change` gives the subscription its new sinkCredential and
     * expiry; its deadlines follow them. Resolves with the subscription as stored, or undefined when
     * it is gone or no longer active (nothing changed).
     */
    async update(
      subscriptionId: string,
      change: (record: SubscriptionRecord) => SubscriptionRecord,
    ): Promise<SubscriptionRecord | undefined> {
      let updated: SubscriptionRecord | undefined;
      await committed(afterCreations, async (writes) => {
        const record = await o.store.subscriptions.get(subscriptionId);
        if (record?.status !== "ACTIVE") return;
        updated = change(record);
        await o.delivery.deadlines.clearDeadlines(subscriptionId);
        storeCreation(o, updated, writes);
      });
      return updated;
    },

    /** The API client deleted it: subscription-ended SUBSCRIPTION_DELETED if active, then it is gone. */
    delete: (subscriptionId: string, correlator: string): Promise<void> =>
      committed(afterCreations, async (writes) => {
        const record = await o.store.subscriptions.get(subscriptionId);
        if (!record) return;
        const reason = "SUBSCRIPTION_DELETED";
        await end(o, record, reason, TERMINATION_DESCRIPTIONS[reason], correlator);
        writes.push(
          o.store.subscriptions.delete(subscriptionId),
          o.delivery.deadlines.clearDeadlines(subscriptionId),
        );
      }),

    /**
     * The API client deleted a registration, which "frees any resource and invalidates future
     * actions that involve this registration" (deleteRegistrationById): its subscriptions end with
     * subscription-ended NETWORK_TERMINATED.
     */
    registrationDeleted: (registrationId: string, correlator: string): Promise<void> =>
      committed(afterCreations, () =>
        endRegistrationSubscriptions(o, registrationId, "The registration was deleted", correlator),
      ),

    /** The sink answered 410 Gone: the subscription ends (DELETED) and its undelivered events drop. */
    gone: (subscriptionId: string): Promise<void> =>
      afterCreations(async () => {
        const dropped = await o.delivery.outbox.drop(subscriptionId, "the sink answered 410 Gone");
        const record = await o.store.subscriptions.get(subscriptionId);
        if (record?.status === "ACTIVE") await settleEnded(o, record, "DELETED");
        o.logger.warn({ subscriptionId, dropped }, "sink answered 410 Gone: subscription ended");
      }),

    // CAMARA event guide §2.2.3: a sink refusing the expired token shifts the subscription to
    // EXPIRED and "will trigger a subscription-ended event with terminationReason ACCESS_TOKEN_EXPIRED".
    unauthorized: (subscriptionId: string): Promise<void> =>
      afterCreations(async () => {
        const record = await o.store.subscriptions.get(subscriptionId);
        if (record?.status === "ACTIVE")
          await end(o, record, "ACCESS_TOKEN_EXPIRED", "The sink refused the access token", randomUUID());
      }),

    /** Starts checking deadlines every sweepIntervalMs. */
    start(): void {
      if (!deps.delivery) return;
      const runSweep = deps.delivery.runSweep ?? ((run) => run());
      sweepTimer = setInterval(() => {
        afterCreations(() => runSweep(() => sweep(o))).catch((err: unknown) =>
          o.logger.error({ err }, "subscription sweep failed"),
        );
      }, deps.delivery.sweepIntervalMs);
      sweepTimer.unref();
    },

    /** Stops the sweep; resolves once the queued steps have run. */
    async close(): Promise<void> {
      clearInterval(sweepTimer);
      await queue.drained();
    },
  };
  return lifecycle;
}

export type SubscriptionLifecycle = ReturnType<typeof createSubscriptionLifecycle>;
