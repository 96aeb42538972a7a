import type { components } from "../../generated/r3.1-rc.1/webrtc-events/types.ts";
import type { DomainEvent } from "./event-publisher.ts";

type Schemas = components["schemas"];

/** A webrtc-events notification as r3.1 (webrtc-events v0.3) subscriptions receive it. */
export type DomainEventR3_1 =
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.session-invitation";
      readonly correlator: string;
      readonly data: Schemas["MediaSessionInvite"];
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.session-status";
      readonly correlator: string;
      readonly data: Schemas["MediaSessionStatusUpdate"];
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.registration-ends";
      readonly correlator: string;
      readonly data: Schemas["RegistrationEnds"];
    }
  | {
      readonly type: "org.camaraproject.webrtc-events.v0.subscription-ended";
      readonly correlator: string;
      readonly data: Schemas["SubscriptionEnded"];
    };

/**
 * An event in r3.1's shape: r3.1's MediaSession dropped clientCorrelator, callObjectRef,
 * serverCorrelator and offerRequired, and added `locationDetails`: "Location of the party that
 * generated this event" (present when the party sent one).
 */
export function eventViewR3_1(event: DomainEvent): DomainEventR3_1 {
  switch (event.type) {
    case "org.camaraproject.webrtc-events.v0.session-invitation":
    case "org.camaraproject.webrtc-events.v0.session-status": {
      const {
        clientCorrelator: _clientCorrelator,
        callObjectRef: _callObjectRef,
        serverCorrelator: _serverCorrelator,
        offerRequired: _offerRequired,
        ...data
      } = event.data;
      const located = event.locationDetails ? { ...data, locationDetails: event.locationDetails } : data;
      return { type: event.type, correlator: event.correlator, data: located };
    }
    case "org.camaraproject.webrtc-events.v0.registration-ends":
    case "org.camaraproject.webrtc-events.v0.subscription-ended":
      return { type: event.type, correlator: event.correlator, data: event.data } as DomainEventR3_1;
  }
}
