import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCloudEventValidator } from "../../conformance/sink/cloud-event-validator.ts";
import { loadContract, releaseContract } from "../load-contract.ts";
import type { DomainEvent } from "../services/event-publisher.ts";
import { createSchemaValidator } from "../validation/ajv-core.ts";
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
