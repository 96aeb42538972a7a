import type { components } from "../../generated/r2.2/webrtc-events/types.ts";
import type { SinkCredential, SubscriptionRecord, SubscriptionStatus } from "../store/index.ts";
import type { DomainEvent, EventDevice } from "./event-publisher.ts";
import { eventViewR3_1 } from "./event-view-r3-1.ts";
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

/**
 * Whether an event is one the subscription asked for. r2.2 (keyed by registrationId): its one type,
 * its registration, and for session-status its session. r3.1 (keyed by deviceId): one of its types
 * and the device of the event's registration, for the subscription owner's phone number; r3.1:
 * "receive all relevant notifications ... for any registration or session belonging to the same
 * device". `device` is the event's registration's device and owner, when known.
 */
export function matches(record: SubscriptionRecord, event: DomainEvent, device?: EventDevice): boolean {
  if (record.status !== "ACTIVE" || event.type === SUBSCRIPTION_ENDED) return false;
  if (record.release === "r3.1-rc.1") {
    return (
      record.request.types.includes(event.type) &&
      device !== undefined &&
      device.owner === record.owner &&
      device.deviceId === record.request.config.subscriptionDetail.deviceId
    );
  }
  const detail = record.request.config.subscriptionDetail;
  if (record.request.types[0] !== event.type || detail.registrationId !== event.registrationId) return false;
  if (event.type === SESSION_STATUS) return detail.sessionId === event.mediaSessionId;
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
    event: record.release === "r3.1-rc.1" ? eventViewR3_1(event) : event,
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
