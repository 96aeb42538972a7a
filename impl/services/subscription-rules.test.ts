import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SubscriptionRecord } from "../store/index.ts";
import type { DomainEvent } from "./event-publisher.ts";
import { endedStatus, lapsed, matches, notification, type TerminationReason } from "./subscription-rules.ts";

const STATUS = "org.camaraproject.webrtc-events.v0.session-status";
const INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";

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
