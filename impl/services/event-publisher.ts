import type { components } from "../../generated/r2.2/webrtc-events/types.ts";
import type { LocationDetails } from "../store/index.ts";

type Schemas = components["schemas"];

/** The device a registration was made from and its owner: r3.1 subscriptions are keyed by it. */
export interface EventDevice {
  readonly owner: string;
  readonly deviceId: string;
}

/**
 * A webrtc-events notification as the services produce it, before it is matched to subscriptions
 * and wrapped in a CloudEvent. `data` is exactly the spec's event data schema.
 */
export type DomainEvent =
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.session-invitation";
      readonly registrationId: string;
      readonly correlator: string;
      readonly data: Schemas["MediaSessionInvite"];
      /** The called registration's device, when the publisher has it at hand. */
      readonly device?: EventDevice;
      /** r3.1's location of the party that generated the event (r2.2's data has no place for it). */
      readonly locationDetails?: LocationDetails;
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.session-status";
      readonly registrationId: string;
      readonly mediaSessionId: string;
      readonly correlator: string;
      readonly data: Schemas["MediaSessionStatusUpdate"];
      /** The device of the session's registration (kept on the session: the registration may be gone). */
      readonly device?: EventDevice;
      /** r3.1's location of the party that generated the event (r2.2's data has no place for it). */
      readonly locationDetails?: LocationDetails;
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.registration-ends";
      readonly registrationId: string;
      readonly correlator: string;
      readonly data: Schemas["RegistrationEnds"];
      /** The ended registration's device: the registration itself is gone when this is published. */
      readonly device?: EventDevice;
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.subscription-ended";
      readonly subscriptionId: string;
      readonly correlator: string;
      readonly data: Schemas["SubscriptionEnded"];
    };

/**
 * What the services publish: what happened to a registration or session. subscription-ended is not
 * among them: the subscription lifecycle decides a subscription's end itself.
 */
export type PublishedEvent = Exclude<DomainEvent, { readonly subscriptionId: string }>;

/** Where services hand events; the subscription lifecycle matches them to subscriptions. */
export interface EventPublisher {
  publish(event: PublishedEvent): Promise<void>;
}
