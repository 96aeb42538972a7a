import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SubscriptionRecord } from "../store/index.ts";
import type { DomainEvent } from "./event-publisher.ts";
import { endedStatus, lapsed, matches, notification, type TerminationReason } from "./subscription-rules.ts";

const STATUS = "org.camaraproject.webrtc-events.v0.session-status";
const INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";
const ENDS = "org.camaraproject.webrtc-events.v0.registration-ends";

function subscription(over: Partial<SubscriptionRecord> & { type?: string; credential?: object } = {}) {
  const { type = STATUS, credential, ...rest } = over;
  return {
    id: "sub-1",
    owner: "+34600000001",
    request: {
      protocol: "HTTP",
      sink: "https://sink.example/x",
      types: [type],
      config: { subscriptionDetail: { registrationId: "reg-1", sessionId: "ms-1" } },
      ...(credential ? { sinkCredential: credential } : {}),
    },
    status: "ACTIVE",
    startsAt: "2030-01-01T00:00:00.000Z",
    expiresAt: null,
    eventCount: 0,
    ...rest,
  } as SubscriptionRecord;
}

const status = (mediaSessionId: string): DomainEvent => ({
  type: STATUS,
  registrationId: "reg-1",
  mediaSessionId,
  correlator: "c",
  data: { mediaSessionId, status: "Connected", sequenceNumber: 1 },
});

describe("subscription rules", () => {
  const endings: [TerminationReason, string][] = [
    ["SUBSCRIPTION_EXPIRED", "EXPIRED"],
    ["ACCESS_TOKEN_EXPIRED", "EXPIRED"],
    ["MAX_EVENTS_REACHED", "EXPIRED"],
    ["NETWORK_TERMINATED", "DELETED"],
    ["SUBSCRIPTION_DELETED", "DELETED"],
  ];
  for (const [reason, want] of endings) {
    it(`a subscription ended with ${reason} has status ${want}`, () => {
      assert.equal(endedStatus(reason), want);
    });
  }

  const matching: [string, { record: SubscriptionRecord; event: DomainEvent; want: boolean }][] = [
    ["its session's status", { record: subscription(), event: status("ms-1"), want: true }],
    ["another session's status", { record: subscription(), event: status("ms-2"), want: false }],
    [
      "an event of another type",
      { record: subscription({ type: INVITATION }), event: status("ms-1"), want: false },
    ],
    [
      "anything once ended",
      { record: subscription({ status: "EXPIRED" }), event: status("ms-1"), want: false },
    ],
  ];
  for (const [name, { record, event, want }] of matching) {
    it(`a session-status subscription ${want ? "receives" : "does not receive"} ${name}`, () => {
      assert.equal(matches(record, event), want);
    });
  }

  const DEVICE = "7d444840-9dc0-11d1-b245-5ffdce74fad2";
  const OTHER_DEVICE = "0c3cb3b8-6a0e-4e3b-9f5e-2d7e1c8e6a11";
  const ALICE = "+34600000001";
  /** An r3.1 subscription: keyed by deviceId, with its types. */
  const deviceSubscription = (types: string[], over: Partial<SubscriptionRecord> = {}) =>
    ({
      ...subscription(over),
      release: "r3.1-rc.1",
      request: {
        protocol: "HTTP",
        sink: "https://sink.example/x",
        types,
        config: { subscriptionDetail: { deviceId: DEVICE } },
      },
    }) as SubscriptionRecord;
  const invitation: DomainEvent = {
    type: INVITATION,
    registrationId: "reg-9",
    correlator: "c",
    data: { mediaSessionId: "ms-9", status: "Initial" },
  };
  const ends: DomainEvent = {
    type: ENDS,
    registrationId: "reg-9",
    correlator: "c",
    data: { registrationId: "reg-9", terminationReason: "NETWORK_TERMINATED" },
  };
  const onDevice = { owner: ALICE, deviceId: DEVICE };
  const byDevice: [
    string,
    { record: SubscriptionRecord; event: DomainEvent; device?: typeof onDevice; want: boolean },
  ][] = [
    [
      "its type on any registration of its device",
      { record: deviceSubscription([INVITATION]), event: invitation, device: onDevice, want: true },
    ],
    [
      "the status of any session of its device",
      { record: deviceSubscription([STATUS]), event: status("ms-7"), device: onDevice, want: true },
    ],
    [
      "each of its types (1 of 3)",
      { record: deviceSubscription([STATUS, INVITATION, ENDS]), event: ends, device: onDevice, want: true },
    ],
    [
      "each of its types (2 of 3)",
      {
        record: deviceSubscription([STATUS, INVITATION, ENDS]),
        event: invitation,
        device: onDevice,
        want: true,
      },
    ],
    [
      "a type it did not ask for",
      { record: deviceSubscription([STATUS, ENDS]), event: invitation, device: onDevice, want: false },
    ],
    [
      "an event of another device",
      {
        record: deviceSubscription([INVITATION]),
        event: invitation,
        device: { owner: ALICE, deviceId: OTHER_DEVICE },
        want: false,
      },
    ],
    [
      "an event of its device for another phone number",
      {
        record: deviceSubscription([INVITATION]),
        event: invitation,
        device: { owner: "+34600000002", deviceId: DEVICE },
        want: false,
      },
    ],
    [
      "an event whose device is unknown",
      { record: deviceSubscription([INVITATION]), event: invitation, want: false },
    ],
    [
      "anything once ended",
      {
        record: deviceSubscription([INVITATION], { status: "DELETED" }),
        event: invitation,
        device: onDevice,
        want: false,
      },
    ],
  ];
  for (const [name, { record, event, device, want }] of byDevice) {
    it(`an r3.1 (deviceId) subscription ${want ? "receives" : "does not receive"} ${name}`, () => {
      assert.equal(matches(record, event, device), want);
    });
  }

  it("an r2.2 subscription does not receive an event of another registration, even of its device", () => {
    assert.equal(matches(subscription({ type: INVITATION }), invitation, onDevice), false);
  });

  it("hands an r3.1 subscription its notification in r3.1's shape, with the party's location in data", () => {
    const location = {
      shape: "Circle" as const,
      coordinates: { latitude: 40.4, longitude: -3.7, radius: 10 },
    };
    const event: DomainEvent = {
      ...status("ms-1"),
      locationDetails: location,
      data: { mediaSessionId: "ms-1", status: "Connected", clientCorrelator: "cc", offerRequired: false },
    } as DomainEvent;
    const r31 = notification(deviceSubscription([STATUS]), event).event;
    assert.deepEqual(r31.data, { mediaSessionId: "ms-1", status: "Connected", locationDetails: location });
    const r22 = notification(subscription(), event).event;
    assert.deepEqual(r22.data, {
      mediaSessionId: "ms-1",
      status: "Connected",
      clientCorrelator: "cc",
      offerRequired: false,
    });
  });

  const NOW = Date.parse("2030-01-01T12:00:00.000Z");
  const token = (expires: string) => ({
    credentialType: "ACCESSTOKEN",
    accessToken: "t",
    accessTokenExpiresUtc: expires,
  });
  const lapses: [
    string,
    { record: SubscriptionRecord; leadMs: number; want: TerminationReason | undefined },
  ][] = [
    [
      "nothing before its expire time",
      { record: subscription({ expiresAt: "2030-01-01T12:00:01.000Z" }), leadMs: 0, want: undefined },
    ],
    [
      "SUBSCRIPTION_EXPIRED at its expire time",
      {
        record: subscription({ expiresAt: "2030-01-01T12:00:00.000Z" }),
        leadMs: 0,
        want: "SUBSCRIPTION_EXPIRED",
      },
    ],
    [
      "ACCESS_TOKEN_EXPIRED within the lead before the token expires",
      {
        record: subscription({ credential: token("2030-01-01T12:00:30.000Z") }),
        leadMs: 60_000,
        want: "ACCESS_TOKEN_EXPIRED",
      },
    ],
    [
      "nothing before the lead",
      {
        record: subscription({ credential: token("2030-01-01T12:02:00.000Z") }),
        leadMs: 60_000,
        want: undefined,
      },
    ],
  ];
  for (const [name, { record, leadMs, want }] of lapses) {
    it(`a subscription has lapsed: ${name}`, () => {
      assert.equal(lapsed(record, NOW, leadMs), want);
    });
  }

  it("sends the sink credential's access token with a notification, and none for other credentials", () => {
    assert.equal(
      notification(subscription({ credential: token("2031-01-01T00:00:00Z") }), status("ms-1")).accessToken,
      "t",
    );
    assert.equal(
      notification(subscription({ credential: { credentialType: "PLAIN" } }), status("ms-1")).accessToken,
      null,
    );
    assert.equal(notification(subscription(), status("ms-1")).accessToken, null);
  });
});
