import type { DomainEvent } from "./event-publisher.ts";
import type { DomainEventR3_1 } from "./event-view-r3-1.ts";

/** One event owed to one subscription's sink, as the subscription lifecycle decided it. */
export interface Notification {
  readonly subscriptionId: string;
  readonly sink: string;
  /** The sinkCredential's access token (credentialType ACCESSTOKEN), or null. */
  readonly accessToken: string | null;
  /** In the shape of the release the subscription was made through. */
  readonly event: DomainEvent | DomainEventR3_1;
}

/** What a sink answered that ends its subscription; the subscription lifecycle decides what follows. */
export interface SinkFeedback {
  /** The sink answered 410 Gone to an event of this subscription. */
  gone(subscriptionId: string): Promise<void>;
  /** The sink answered 401 to the subscription's access token. */
  unauthorized(subscriptionId: string): Promise<void>;
}

/**
 * Event delivery as the subscription lifecycle uses it (impl/events implements it): notifications go
 * to a durable outbox and from there to their sinks, in order per sink. It never reads or writes a
 * subscription; what a sink answers comes back through {@link SinkFeedback}.
 */
export interface NotificationOutbox {
  /** Refuses a sink the gateway must not deliver to, with ApiError INVALID_SINK. */
  admitSink(sink: string): Promise<void>;
  /**
   * Writes the notifications' CloudEvents in this order, before any later call's; resolves once they
   * are committed. Delivery follows.
   */
  write(notifications: readonly Notification[]): Promise<void>;
  /** Gives up what a subscription still has undelivered; resolves with how many, once committed. */
  drop(subscriptionId: string, reason: string): Promise<number>;
}
