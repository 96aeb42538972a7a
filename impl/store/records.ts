import type { components as CallHandling } from "../../generated/r2.2/webrtc-call-handling/types.ts";
import type { components as Events } from "../../generated/r2.2/webrtc-events/types.ts";
import type { components as CallHandlingR31 } from "../../generated/r3.1-rc.1/webrtc-call-handling/types.ts";
import type { components as EventsR31 } from "../../generated/r3.1-rc.1/webrtc-events/types.ts";

/** A device registration (webrtc-registration). Owned by the phone number of the token that made it. */
export interface RegistrationRecord {
  readonly registrationId: string;
  /** Phone number (E.164) of the subscriber that created it; the only one who may see it. */
  readonly owner: string;
  readonly deviceId: string;
  /** Authoritative expiry, RFC 3339 UTC. */
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** r3.1's location of the party that placed or changed a call (stored as the client sent it). */
export type LocationDetails = CallHandlingR31["schemas"]["LocationDetails"];

/**
 * A session as stored: r2.2's MediaSessionInformation, plus what r3.1 added (`callType`,
 * `locationDetails`). Each release's handlers serve their own view of it (session-views.ts).
 */
export type MediaSessionInformation = CallHandling["schemas"]["MediaSessionInformation"] & {
  callType?: "REGULAR" | "EMERGENCY";
  locationDetails?: LocationDetails;
};

/** A media session (webrtc-call-handling). */
export interface SessionRecord {
  readonly mediaSessionId: string;
  readonly owner: string;
  readonly registrationId: string;
  /**
   * The device of that registration, kept so that the session's events still reach r3.1's
   * subscriptions (keyed by deviceId) once the registration is gone; absent in records written before.
   */
  readonly deviceId?: string;
  /** `originating`: created through POST /sessions; `terminating`: an incoming call. */
  readonly direction: "originating" | "terminating";
  /** The representation served by GET, kept current by the service. */
  readonly info: MediaSessionInformation;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type SubscriptionRequest = Events["schemas"]["SubscriptionRequest"];
export type SinkCredential = Events["schemas"]["SinkCredential"] & {
  accessToken?: string;
  accessTokenExpiresUtc?: string;
  accessTokenType?: "bearer";
};
export type SubscriptionStatus = NonNullable<Events["schemas"]["Subscription"]["status"]>;

/** r3.1's subscription request (webrtc-events v0.3): keyed by `deviceId`, up to 3 event types. */
export type SubscriptionRequestR3_1 = EventsR31["schemas"]["SubscriptionRequest"];

interface SubscriptionRecordBase {
  readonly id: string;
  readonly owner: string;
  readonly status: SubscriptionStatus;
  readonly startsAt: string;
  readonly expiresAt: string | null;
  /** Events accepted for delivery so far, for subscriptionMaxEvents. */
  readonly eventCount: number;
}

/**
 * An event subscription (webrtc-events). The sink credential is stored but never served back.
 * `release` names the webrtc-events version it was made through (absent: r2.2, keyed by
 * registrationId); it decides which events match it and the shape of its notifications.
 */
export type SubscriptionRecord = SubscriptionRecordR2_2 | SubscriptionRecordR3_1;
export type SubscriptionRecordR2_2 = SubscriptionRecordBase & {
  readonly release?: undefined;
  readonly request: SubscriptionRequest;
};
export type SubscriptionRecordR3_1 = SubscriptionRecordBase & {
  readonly release: "r3.1-rc.1";
  readonly request: SubscriptionRequestR3_1;
};

/**
 * A call leg's SIP dialog as the engine last persisted it (restart recovery, Engine.recoverSession):
 * written by the engine on every change, deleted when the leg ends. `state` is the engine's own JSON
 * (impl/engine/sip/call/dialog-state.ts); the store keeps it as it is given.
 */
export interface DialogRecord {
  readonly mediaSessionId: string;
  readonly callId: string;
  readonly state: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
}
