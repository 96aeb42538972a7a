import type { components } from "../../generated/r2.2/webrtc-events/types.ts";

type Schemas = components["schemas"];

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
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.session-status";
      readonly registrationId: string;
      readonly mediaSessionId: string;
      readonly correlator: string;
      readonly data: Schemas["MediaSessionStatusUpdate"];
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.registration-ends";
      readonly registrationId: string;
      readonly correlator: string;
      readonly data: Schemas["RegistrationEnds"];
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.subscription-ended";
      readonly subscriptionId: string;
      readonly correlator: string;
      readonly data: Schemas["SubscriptionEnded"];
    };

/** Where services hand events; the events dispatcher matches subscriptions and delivers. */
export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}
