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

/**
 * What the services publish: what happened to a registration or session. subscription-ended is not
 * among them: the subscription lifecycle decides a subscription's end itself.
 */
export type PublishedEvent = Exclude<DomainEvent, { readonly subscriptionId: string }>;

/** Where services hand events; the subscription lifecycle matches them to subscriptions. */
export interface EventPublisher {
  publish(event: PublishedEvent): Promise<void>;
}
