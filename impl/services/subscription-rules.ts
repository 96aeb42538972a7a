import type { components } from "../../generated/r2.2/webrtc-events/types.ts";
import type { SinkCredential, SubscriptionRecord, SubscriptionStatus } from "../store/index.ts";
import type { DomainEvent } from "./event-publisher.ts";
import type { Notification } from "./notification-outbox.ts";

export type TerminationReason = components["schemas"]["TerminationReason"];
export const SUBSCRIPTION_ENDED = "org.camaraproject.webrtc-events.v0.subscription-ended";
const SESSION_STATUS = "org.camaraproject.webrtc-events.v0.session-status";

/** The status a subscription ends in: CAMARA event guide §2.2.3 status table. */
export function endedStatus(reason: TerminationReason): SubscriptionStatus {
  return reason === "NETWORK_TERMINATED" || reason === "SUBSCRIPTION_DELETED" ? "DELETED" : "EXPIRED";
}

/** terminationDescription of the ends the gateway decides by itself. */
export const TERMINATION_DESCRIPTIONS: Record<TerminationReason, string> = {
  SUBSCRIPTION_EXPIRED: "The subscription expire time was reached",
  ACCESS_TOKEN_EXPIRED: "The sink credential's access token expires",
  MAX_EVENTS_REACHED: "The maximum number of events was reached",
  NETWORK_TERMINATED: "The gateway stopped sending notifications",
  SUBSCRIPTION_DELETED: "Deleted by the API client",
};

/** Whether an event is one the subscription asked for: its type, and for session-status its session. */
export function matches(record: SubscriptionRecord, event: DomainEvent): boolean {
  if (record.status !== "ACTIVE" || record.request.types[0] !== event.type) return false;
  if (event.type === SESSION_STATUS)
    return record.request.config.subscriptionDetail.sessionId === event.mediaSessionId;
  return true;
}

/** accessTokenExpiresUtc of the subscription's sink credential, if it has one. */
export function tokenExpiry(record: SubscriptionRecord): string | undefined {
  return (record.request.sinkCredential as SinkCredential | undefined)?.accessTokenExpiresUtc;
}

/**
 * The reason an active subscription has already ended by time at `nowMs`, if it has; the access
 * token counts as expired `tokenExpiryLeadMs` before accessTokenExpiresUtc.
 */
export function lapsed(
  record: SubscriptionRecord,
  nowMs: number,
  tokenExpiryLeadMs: number,
): TerminationReason | undefined {
  if (record.expiresAt && Date.parse(record.expiresAt) <= nowMs) return "SUBSCRIPTION_EXPIRED";
  const expires = tokenExpiry(record);
  if (expires && Date.parse(expires) - tokenExpiryLeadMs <= nowMs) return "ACCESS_TOKEN_EXPIRED";
  return undefined;
}

/** One event for the subscription's sink, with its access token when the credential is one. */
export function notification(record: SubscriptionRecord, event: DomainEvent): Notification {
  const credential = record.request.sinkCredential as SinkCredential | undefined;
  return {
    subscriptionId: record.id,
    sink: record.request.sink,
    accessToken:
      credential?.credentialType === "ACCESSTOKEN" && credential.accessToken ? credential.accessToken : null,
    event,
  };
}

/** subscription-ended for the subscription's sink. */
export function endedNotification(
  record: SubscriptionRecord,
  reason: TerminationReason,
  description: string,
  correlator: string,
): Notification {
  return notification(record, {
    type: SUBSCRIPTION_ENDED,
    subscriptionId: record.id,
    correlator,
    data: { subscriptionId: record.id, terminationReason: reason, terminationDescription: description },
  });
}
