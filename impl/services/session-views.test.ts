import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MediaSessionInformation } from "../store/index.ts";
import { sessionViewR2_2, sessionViewR3_1 } from "./session-views.ts";

const stored: MediaSessionInformation = {
  mediaSessionId: "m1",
  originatorAddress: "tel:+34600000001",
  receiverAddress: "tel:+34600000009",
  status: "Ringing",
  offer: { sdp: "v=0" },
  clientCorrelator: "c-1",
  sequenceNumber: 3,
  reason: "180 Ringing",
  callType: "REGULAR",
  locationDetails: { coordinates: { latitude: 1, longitude: 2, radius: 3 } },
};

describe("session views per release", () => {
  const table: [string, { given: MediaSessionInformation; r22: unknown; r31: unknown }][] = [
    [
      "r2.2 drops what r3.1 added; r3.1 drops what it removed",
      {
        given: stored,
        r22: {
          mediaSessionId: "m1",
          originatorAddress: "tel:+34600000001",
          receiverAddress: "tel:+34600000009",
          status: "Ringing",
          offer: { sdp: "v=0" },
          clientCorrelator: "c-1",
          sequenceNumber: 3,
          reason: "180 Ringing",
        },
        r31: {
          mediaSessionId: "m1",
          originatorAddress: "tel:+34600000001",
          receiverAddress: "tel:+34600000009",
          status: "Ringing",
          offer: { sdp: "v=0" },
          callType: "REGULAR",
          locationDetails: { coordinates: { latitude: 1, longitude: 2, radius: 3 } },
        },
      },
    ],
    [
      "an emergency call to urn:service:sos does not exist for r2.2",
      {
        given: { ...stored, receiverAddress: "urn:service:sos", callType: "EMERGENCY" },
        r22: undefined,
        r31: {
          mediaSessionId: "m1",
          originatorAddress: "tel:+34600000001",
          receiverAddress: "urn:service:sos",
          status: "Ringing",
          offer: { sdp: "v=0" },
          callType: "EMERGENCY",
          locationDetails: { coordinates: { latitude: 1, longitude: 2, radius: 3 } },
        },
      },
    ],
    [
      "an incoming call without offer shows r3.1's required offer empty",
      {
        given: {
          mediaSessionId: "m2",
          originatorAddress: "sip:anonymous@anonymous.invalid",
          receiverAddress: "tel:+34600000001",
          status: "Initial",
          offerRequired: true,
        },
        r22: {
          mediaSessionId: "m2",
          originatorAddress: "sip:anonymous@anonymous.invalid",
          receiverAddress: "tel:+34600000001",
          status: "Initial",
          offerRequired: true,
        },
        r31: {
          mediaSessionId: "m2",
          originatorAddress: "sip:anonymous@anonymous.invalid",
          receiverAddress: "tel:+34600000001",
          status: "Initial",
          offer: {},
        },
      },
    ],
  ];
  for (const [name, { given, r22, r31 }] of table) {
    it(name, () => {
      assert.deepEqual(sessionViewR2_2(given), r22);
      assert.deepEqual(sessionViewR3_1(given), r31);
    });
  }
});
