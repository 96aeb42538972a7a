import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createSchemaValidator } from "camara-webrtc-runtime";
import { createCloudEventValidator } from "../../conformance/sink/cloud-event-validator.ts";
import { loadContract, releaseContract } from "../load-contract.ts";
import type { DomainEvent } from "../services/event-publisher.ts";
import { eventViewR3_1 } from "../services/event-view-r3-1.ts";
import { buildCloudEvent } from "./cloud-event.ts";

const schemas = createSchemaValidator(releaseContract(loadContract(), "r2.2").specs);
const conformance = createCloudEventValidator();
const time = new Date("2025-03-01T10:00:00.000Z");

const events: [string, DomainEvent, object][] = [
  [
    "session-invitation",
    {
      type: "org.camaraproject.webrtc-events.v0.session-invitation",
      registrationId: "reg-1",
      correlator: "c-1",
      data: {
        mediaSessionId: "ms-1",
        originatorAddress: "tel:+34600000009",
        receiverAddress: "tel:+34600000001",
        status: "Initial",
        offer: { sdp: "v=0\r\n" },
        sequenceNumber: 1,
      },
    },
    {
      mediaSessionId: "ms-1",
      originatorAddress: "tel:+34600000009",
      receiverAddress: "tel:+34600000001",
      status: "Initial",
      offer: { sdp: "v=0\r\n" },
      sequenceNumber: 1,
      subscriptionId: "sub-1",
    },
  ],
  [
    "session-status",
    {
      type: "org.camaraproject.webrtc-events.v0.session-status",
      registrationId: "reg-1",
      mediaSessionId: "ms-1",
      correlator: "c-1",
      data: { mediaSessionId: "ms-1", status: "Ringing", reason: "180 Ringing", sequenceNumber: 2 },
    },
    {
      mediaSessionId: "ms-1",
      status: "Ringing",
      reason: "180 Ringing",
      sequenceNumber: 2,
      subscriptionId: "sub-1",
    },
  ],
  [
    "registration-ends",
    {
      type: "org.camaraproject.webrtc-events.v0.registration-ends",
      registrationId: "reg-1",
      correlator: "c-1",
      data: {
        registrationId: "reg-1",
        terminationReason: "REGISTRATION_EXPIRED",
        terminationDescription: "expired",
      },
    },
    { registrationId: "reg-1", terminationReason: "REGISTRATION_EXPIRED", terminationDescription: "expired" },
  ],
  ...(
    [
      "SUBSCRIPTION_EXPIRED",
      "MAX_EVENTS_REACHED",
      "SUBSCRIPTION_DELETED",
      "ACCESS_TOKEN_EXPIRED",
      "NETWORK_TERMINATED",
    ] as const
  ).map((reason): [string, DomainEvent, object] => [
    `subscription-ended ${reason}`,
    {
      type: "org.camaraproject.webrtc-events.v0.subscription-ended",
      subscriptionId: "sub-1",
      correlator: "c-1",
      data: { subscriptionId: "sub-1", terminationReason: reason },
    },
    { subscriptionId: "sub-1", terminationReason: reason },
  ]),
];

describe("buildCloudEvent", () => {
  for (const [name, event, data] of events) {
    it(`builds a ${name} CloudEvent that the spec's CloudEvent schema accepts`, () => {
      const built = buildCloudEvent({
        id: "evt-1",
        source: "urn:camara-webrtc-gateway:test",
        time,
        subscriptionId: "sub-1",
        event,
      });
      assert.deepEqual(built, {
        id: "evt-1",
        source: "urn:camara-webrtc-gateway:test",
        type: event.type,
        specversion: "1.0",
        datacontenttype: "application/json",
        time: "2025-03-01T10:00:00.000Z",
        data,
      });
      assert.equal(schemas.validate("webrtc-events", "#/components/schemas/CloudEvent", built), null);
      assert.deepEqual(conformance.validate(built), []);
    });
  }

  it("is refused by the schema when the data misses a required property (the check can fail)", () => {
    const built = buildCloudEvent({
      id: "evt-2",
      source: "urn:x",
      time,
      subscriptionId: "sub-1",
      event: {
        type: "org.camaraproject.webrtc-events.v0.registration-ends",
        registrationId: "reg-1",
        correlator: "c",
        data: { registrationId: "reg-1" } as never,
      },
    });
    assert.notEqual(schemas.validate("webrtc-events", "#/components/schemas/CloudEvent", built), null);
    assert.deepEqual(conformance.validate(built), ["/data must have required property 'terminationReason'"]);
  });
});

describe("buildCloudEvent for r3.1 subscriptions", () => {
  const r31 = createSchemaValidator(releaseContract(loadContract(), "r3.1-rc.1").specs);
  const location = {
    shape: "Ellipsoid" as const,
    coordinates: {
      latitude: 40.4,
      longitude: -3.7,
      zAxis: 650,
      semiMajorAxis: 20,
      semiMinorAxis: 10,
      verticalAxis: 5,
      orientation: 30,
    },
  };
  const located: [string, DomainEvent][] = events.map(([name, event]) => [
    name,
    event.type.endsWith("session-status") || event.type.endsWith("session-invitation")
      ? ({
          ...event,
          locationDetails: location,
          data: { ...event.data, clientCorrelator: "cc-1", offerRequired: true },
        } as DomainEvent)
      : event,
  ]);
  for (const [name, event] of located) {
    it(`builds a ${name} CloudEvent that r3.1's CloudEvent schema accepts, payload under data`, () => {
      const built = buildCloudEvent({
        id: "evt-1",
        source: "urn:camara-webrtc-gateway:test",
        time,
        subscriptionId: "sub-1",
        event: eventViewR3_1(event),
      });
      assert.equal(r31.validate("webrtc-events", "#/components/schemas/CloudEvent", built), null);
      const data = built.data as Record<string, unknown>;
      assert.equal("clientCorrelator" in data || "offerRequired" in data, false, "r2.2-only fields left out");
      if ("locationDetails" in event) assert.deepEqual(data.locationDetails, location);
    });
  }

  it("is refused by r3.1's schema when locationDetails is malformed (the check can fail)", () => {
    const [, event] = located[1] ?? [];
    const built = buildCloudEvent({
      id: "evt-3",
      source: "urn:x",
      time,
      subscriptionId: "sub-1",
      event: eventViewR3_1({
        ...(event as DomainEvent),
        locationDetails: { shape: "Square" },
      } as unknown as DomainEvent),
    });
    assert.notEqual(r31.validate("webrtc-events", "#/components/schemas/CloudEvent", built), null);
  });
});
