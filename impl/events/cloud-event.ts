import type { components } from "../../generated/r2.2/webrtc-events/types.ts";
import type { components as R3_1 } from "../../generated/r3.1-rc.1/webrtc-events/types.ts";
import type { DomainEvent } from "../services/event-publisher.ts";
import type { DomainEventR3_1 } from "../services/event-view-r3-1.ts";

type Schemas = components["schemas"];
type SchemasR3_1 = R3_1["schemas"];

/** A webrtc-events notification: `CloudEvent` narrowed by the spec's discriminator on `type`. */
export type WebrtcCloudEvent =
  | Schemas["EventSessionInvitation"]
  | Schemas["EventSessionStatus"]
  | Schemas["EventRegistrationEnds"]
  | Schemas["EventSubscriptionEnded"]
  | SchemasR3_1["EventSessionInvitation"]
  | SchemasR3_1["EventSessionStatus"]
  | SchemasR3_1["EventRegistrationEnds"]
  | SchemasR3_1["EventSubscriptionEnded"];

export interface CloudEventInput {
  /** Unique within `source`; kept for every redelivery. */
  readonly id: string;
  /** URI-reference naming this gateway's event source (EVENT_SOURCE). */
  readonly source: string;
  readonly time: Date;
  readonly subscriptionId: string;
  /** r2.2's or r3.1's: the two envelopes are alike, the data is the release's own. */
  readonly event: DomainEvent | DomainEventR3_1;
}

/**
 * Builds the CloudEvents 1.0 envelope for one subscription. CAMARA event guide §3.1: `specversion`
 * MUST be "1.0", `time` is mandated, `datacontenttype` MUST be `application/json`; and "subscriptionId
 * … MUST be valued for Resource-based subscription" — so it goes into `data` wherever the event's
 * data schema has the property (MediaSession and SubscriptionEnded; RegistrationEnds has none).
 */
export function buildCloudEvent(input: CloudEventInput): WebrtcCloudEvent {
  const { event } = input;
  const envelope = {
    id: input.id,
    source: input.source,
    specversion: "1.0" as const,
    datacontenttype: "application/json" as const,
    time: input.time.toISOString(),
  };
  switch (event.type) {
    case "org.camaraproject.webrtc-events.v0.session-invitation":
    case "org.camaraproject.webrtc-events.v0.session-status":
      return {
        ...envelope,
        type: event.type,
        data: { ...event.data, subscriptionId: input.subscriptionId },
      } as WebrtcCloudEvent;
    case "org.camaraproject.webrtc-events.v0.registration-ends":
      return { ...envelope, type: event.type, data: event.data } as WebrtcCloudEvent;
    case "org.camaraproject.webrtc-events.v0.subscription-ended":
      return {
        ...envelope,
        type: event.type,
        data: { ...event.data, subscriptionId: input.subscriptionId },
      } as WebrtcCloudEvent;
  }
}
