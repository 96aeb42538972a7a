import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import {
  type ReceivedNotification,
  type SinkReceiver,
  startSinkReceiver,
} from "../../conformance/sink/index.ts";
import { loadContract } from "../load-contract.ts";
import type { DomainEvent } from "../services/event-publisher.ts";
import type { SubscriptionRecord } from "../store/index.ts";
import { BOB } from "../testing/test-gateway.ts";
import { createSchemaValidator } from "../validation/ajv-core.ts";
import { type EventsTestGateway, startEventsTestGateway, testDevCa } from "./testing/events-test-gateway.ts";

const SI = "org.camaraproject.webrtc-events.v0.session-invitation";
const SS = "org.camaraproject.webrtc-events.v0.session-status";
const RE = "org.camaraproject.webrtc-events.v0.registration-ends";
const ENDED = "org.camaraproject.webrtc-events.v0.subscription-ended";
const schemas = createSchemaValidator(loadContract().specs);
const WAIT = 5000;

let gw: EventsTestGateway;
let sink: SinkReceiver;
let n = 0;
/** A fresh sink path per test, so that each test reads only its own notifications. */
const freshSink = () => sink.url(`/sink-${++n}`);
const at = (url: string) => (r: ReceivedNotification) => r.path === new URL(url).pathname;

function body(
  sinkUrl: string,
  type: string,
  detail: Record<string, string>,
  config: object = {},
  extra: object = {},
) {
  return {
    protocol: "HTTP",
    sink: sinkUrl,
    types: [type],
    config: { subscriptionDetail: detail, ...config },
    ...extra,
  };
}

async function created(res: Response): Promise<{ id: string; status: string }> {
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text) as { id: string; status: string };
}

async function incomingCall(registrationId: string, mediaSessionId = randomUUID()) {
  await gw.engine.listener.incomingCall({
    mediaSessionId,
    registrationId,
    originatorAddress: "tel:+34600000009",
    originatorName: undefined,
    receiverAddress: "tel:+34600000001",
    offerSdp: "v=0\r\n",
  });
  return mediaSessionId;
}

async function originate(registrationId: string): Promise<string> {
  const res = await fetch(`${gw.baseUrl}/webrtc-call-handling/v0.3/sessions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await gw.token()}`,
      "content-type": "application/json",
      registrationId,
    },
    body: JSON.stringify({ receiverAddress: "tel:+34600000009" }),
  });
  return ((await created(res as Response)) as unknown as { mediaSessionId: string }).mediaSessionId;
}

/** Notifications that reached `url`, accepted ones only, in order. */
function received(url: string) {
  return sink.requests().filter((r) => at(url)(r) && r.status < 300);
}

function assertConforms(r: ReceivedNotification) {
  assert.deepEqual(r.problems, [], `sink validation of ${JSON.stringify(r.event)}`);
  assert.equal(schemas.validate("webrtc-events", "#/components/schemas/CloudEvent", r.event), null);
}

async function getSubscription(id: string) {
  return gw.request("GET", `/webrtc-events/v0.2/subscriptions/${id}`);
}

before(async () => {
  const ca = testDevCa();
  sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
  gw = await startEventsTestGateway({ allowlist: [`127.0.0.1:${sink.port}`] });
});
after(async () => {
  await gw.close();
  await sink.close();
});

describe("webrtc-events delivery: matching and data", () => {
  it("delivers session-invitation for an incoming call to the caller's subscription of that registration only, as a CloudEvents 1.0 POST", async () => {
    const registrationId = await gw.register();
    const other = await gw.register();
    const url = freshSink();
    const otherUrl = freshSink();
    const credential = {
      credentialType: "ACCESSTOKEN",
      accessToken: "sink-token-1",
      accessTokenType: "bearer",
      accessTokenExpiresUtc: new Date(Date.now() + 3600_000).toISOString(),
    };
    const sub = await created(
      await gw.subscribe(body(url, SI, { registrationId }, {}, { sinkCredential: credential })),
    );
    await created(await gw.subscribe(body(otherUrl, SI, { registrationId: other })));
    const mediaSessionId = await incomingCall(registrationId);
    const r = await sink.waitFor(at(url), WAIT);
    assertConforms(r);
    assert.equal(r.authorization, "Bearer sink-token-1");
    assert.match(String(r.headers["content-type"]), /^application\/cloudevents\+json/);
    assert.ok(r.correlator);
    assert.equal(r.event?.type, SI);
    assert.equal(r.event?.specversion, "1.0");
    assert.equal(r.event?.datacontenttype, "application/json");
    assert.deepEqual(r.event?.data, {
      mediaSessionId,
      originatorAddress: "tel:+34600000009",
      receiverAddress: "tel:+34600000001",
      status: "Initial",
      offer: { sdp: "v=0\r\n" },
      sequenceNumber: 1,
      subscriptionId: sub.id,
    });
    await gw.dispatcher.whenIdle();
    assert.equal(received(otherUrl).length, 0, "the other registration's subscription got nothing");
  });

  it("delivers session-status on every change of the subscribed session, with strictly increasing sequenceNumber", async () => {
    const registrationId = await gw.register();
    const mediaSessionId = await originate(registrationId);
    const otherSession = await originate(registrationId);
    const url = freshSink();
    await created(await gw.subscribe(body(url, SS, { registrationId, sessionId: mediaSessionId })));
    for (const status of ["Ringing", "InProgress", "Connected"] as const) {
      await gw.engine.listener.sessionChanged({ mediaSessionId, status, reason: status });
      await gw.engine.listener.sessionChanged({ mediaSessionId: otherSession, status, reason: status });
    }
    await sink.waitFor((r) => at(url)(r) && r.event?.data?.status === "Connected", WAIT);
    const events = received(url);
    for (const r of events) assertConforms(r);
    assert.deepEqual(
      events.map((r) => [r.event?.data?.mediaSessionId, r.event?.data?.status]),
      [
        [mediaSessionId, "Ringing"],
        [mediaSessionId, "InProgress"],
        [mediaSessionId, "Connected"],
      ],
    );
    const seqs = events.map((r) => Number(r.event?.data?.sequenceNumber));
    assert.ok(
      seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0)),
      `sequence ${seqs}`,
    );
    assert.equal(new Set(events.map((r) => r.event?.id)).size, 3, "each event has its own id");
  });

  it("refuses a loopback sink that is not allow-listed with 400 INVALID_SINK", async () => {
    const registrationId = await gw.register();
    for (const bad of [
      "https://127.0.0.2:9443/sink",
      "https://[::1]:9443/",
      "https://localhost/x",
      "https://169.254.169.254/",
    ]) {
      const res = await gw.subscribe(body(bad, RE, { registrationId }));
      assert.equal(res.status, 400, bad);
      const info = (await res.json()) as { code: string; message: string };
      assert.equal(info.code, "INVALID_SINK", bad);
      assert.match(
        info.message,
        /sink .* is not accepted: its host is a (loopback|cloud-metadata) address\./,
      );
    }
  });

  it("accepts the upstream example sink in test mode and holds its deliveries without contacting it", async () => {
    const registrationId = await gw.register();
    const res = await gw.subscribe(body("https://notificationServer.opentelco.com", SI, { registrationId }));
    const sub = await created(res);
    const before = gw.attempts.length;
    await incomingCall(registrationId);
    await gw.dispatcher.whenIdle();
    const held = gw.outbox.list("held").filter((r) => r.subscriptionId === sub.id);
    assert.equal(held.length, 1);
    assert.ok(
      gw.attempts.slice(before).every((a) => !a.sink.includes("opentelco")),
      "no delivery attempted",
    );
  });
});

describe("webrtc-events lifecycle", () => {
  it("subscriptionExpireTime: ends the subscription with subscription-ended SUBSCRIPTION_EXPIRED and status EXPIRED", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const expire = new Date(Date.now() + 300).toISOString();
    const sub = await created(
      await gw.subscribe(body(url, RE, { registrationId }, { subscriptionExpireTime: expire })),
    );
    const r = await sink.waitFor((x) => at(url)(x) && x.event?.type === ENDED, WAIT);
    assertConforms(r);
    assert.deepEqual(r.event?.data, {
      subscriptionId: sub.id,
      terminationReason: "SUBSCRIPTION_EXPIRED",
      terminationDescription: "The subscription expire time was reached",
    });
    const read = (await (await getSubscription(sub.id)).json()) as { status: string };
    assert.equal(read.status, "EXPIRED");
  });

  it("subscriptionMaxEvents: delivers the last allowed event, then subscription-ended MAX_EVENTS_REACHED, and nothing more", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const sub = await created(
      await gw.subscribe(body(url, SI, { registrationId }, { subscriptionMaxEvents: 2 })),
    );
    for (let i = 0; i < 3; i++) await incomingCall(registrationId);
    await gw.dispatcher.whenIdle();
    const events = received(url).map((r) => r.event);
    assert.deepEqual(
      events.map((e) => e?.type),
      [SI, SI, ENDED],
    );
    assert.equal(events[2]?.data?.terminationReason, "MAX_EVENTS_REACHED");
    assert.equal(((await (await getSubscription(sub.id)).json()) as { status: string }).status, "EXPIRED");
  });

  it("initialEvent on session-status: sends the session's current status at creation, and later changes increase the sequenceNumber", async () => {
    const registrationId = await gw.register();
    const mediaSessionId = await originate(registrationId);
    await gw.engine.listener.sessionChanged({ mediaSessionId, status: "Ringing", reason: "180 Ringing" });
    const url = freshSink();
    await created(
      await gw.subscribe(
        body(url, SS, { registrationId, sessionId: mediaSessionId }, { initialEvent: true }),
      ),
    );
    const initial = await sink.waitFor(at(url), WAIT);
    assertConforms(initial);
    assert.equal(initial.event?.data?.status, "Ringing");
    assert.equal(initial.event?.data?.sequenceNumber, 1);
    await gw.engine.listener.sessionChanged({ mediaSessionId, status: "Connected", reason: "200 OK" });
    const next = await sink.waitFor((r) => at(url)(r) && r.event?.data?.status === "Connected", WAIT);
    assert.equal(next.event?.data?.sequenceNumber, 2);
  });

  it("initialEvent on session-invitation: announces an incoming call not yet answered", async () => {
    const registrationId = await gw.register();
    const mediaSessionId = await incomingCall(registrationId);
    const url = freshSink();
    await created(await gw.subscribe(body(url, SI, { registrationId }, { initialEvent: true })));
    const r = await sink.waitFor(at(url), WAIT);
    assertConforms(r);
    assert.equal(r.event?.data?.mediaSessionId, mediaSessionId);
  });

  it("initialEvent on registration-ends sends nothing: the registration is active", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    await created(await gw.subscribe(body(url, RE, { registrationId }, { initialEvent: true })));
    await gw.dispatcher.whenIdle();
    assert.equal(received(url).length, 0);
  });

  it("DELETE: subscription-ended SUBSCRIPTION_DELETED goes to the subscription's own sink; the subscription is gone", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const sub = await created(await gw.subscribe(body(url, RE, { registrationId })));
    const res = await gw.request("DELETE", `/webrtc-events/v0.2/subscriptions/${sub.id}`);
    assert.equal(res.status, 204);
    const r = await sink.waitFor(at(url), WAIT);
    assertConforms(r);
    assert.deepEqual(r.event?.data, {
      subscriptionId: sub.id,
      terminationReason: "SUBSCRIPTION_DELETED",
      terminationDescription: "Deleted by the API client",
    });
    assert.equal((await getSubscription(sub.id)).status, 404);
  });

  it("sinkCredential.accessTokenExpiresUtc: ends the subscription with ACCESS_TOKEN_EXPIRED and status EXPIRED", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const credential = {
      credentialType: "ACCESSTOKEN",
      accessToken: "short-lived",
      accessTokenType: "bearer",
      accessTokenExpiresUtc: new Date(Date.now() + 300).toISOString(),
    };
    const sub = await created(
      await gw.subscribe(body(url, RE, { registrationId }, {}, { sinkCredential: credential })),
    );
    const r = await sink.waitFor(at(url), WAIT);
    assertConforms(r);
    assert.equal(r.event?.data?.terminationReason, "ACCESS_TOKEN_EXPIRED");
    assert.equal(r.authorization, "Bearer short-lived");
    assert.equal(((await (await getSubscription(sub.id)).json()) as { status: string }).status, "EXPIRED");
  });

  for (const reason of ["REGISTRATION_EXPIRED", "NETWORK_TERMINATED"] as const) {
    it(`registration-ends ${reason} reaches the registration-ends subscription, then subscription-ended NETWORK_TERMINATED (status DELETED)`, async () => {
      const registrationId = await gw.register();
      const url = freshSink();
      const sub = await created(await gw.subscribe(body(url, RE, { registrationId })));
      await gw.engine.listener.registrationEnded({ registrationId, reason, description: "network said so" });
      await sink.waitFor((r) => at(url)(r) && r.event?.type === ENDED, WAIT);
      const events = received(url);
      for (const r of events) assertConforms(r);
      assert.deepEqual(
        events.map((r) => r.event?.data),
        [
          { registrationId, terminationReason: reason, terminationDescription: "network said so" },
          {
            subscriptionId: sub.id,
            terminationReason: "NETWORK_TERMINATED",
            terminationDescription: "The registration ended",
          },
        ],
      );
      assert.equal(((await (await getSubscription(sub.id)).json()) as { status: string }).status, "DELETED");
    });
  }

  it("deleting a registration ends its invitation and registration-ends subscriptions with NETWORK_TERMINATED, and leaves a session's status subscription", async () => {
    const registrationId = await gw.register();
    const mediaSessionId = await originate(registrationId);
    const [invitations, ends, status] = [freshSink(), freshSink(), freshSink()];
    const si = await created(await gw.subscribe(body(invitations, SI, { registrationId })));
    const re = await created(await gw.subscribe(body(ends, RE, { registrationId })));
    const ss = await created(
      await gw.subscribe(body(status, SS, { registrationId, sessionId: mediaSessionId })),
    );
    const deleted = await gw.request("DELETE", `/webrtc-registration/v0.3/sessions/${registrationId}`);
    assert.equal(deleted.status, 204);
    await gw.dispatcher.whenIdle();
    for (const [url, sub] of [
      [invitations, si],
      [ends, re],
    ] as const) {
      const events = received(url);
      for (const r of events) assertConforms(r);
      assert.deepEqual(
        events.map((r) => r.event?.data),
        [
          {
            subscriptionId: sub.id,
            terminationReason: "NETWORK_TERMINATED",
            terminationDescription: "The registration was deleted",
          },
        ],
      );
      assert.equal(((await (await getSubscription(sub.id)).json()) as { status: string }).status, "DELETED");
    }
    assert.deepEqual(received(status), []);
    assert.equal(((await (await getSubscription(ss.id)).json()) as { status: string }).status, "ACTIVE");
  });

  it("a terminal session status ends the session-status subscription with NETWORK_TERMINATED after the status event", async () => {
    const registrationId = await gw.register();
    const mediaSessionId = await originate(registrationId);
    const url = freshSink();
    await created(await gw.subscribe(body(url, SS, { registrationId, sessionId: mediaSessionId })));
    await gw.engine.listener.sessionChanged({ mediaSessionId, status: "Busy", reason: "486 Busy Here" });
    await sink.waitFor((r) => at(url)(r) && r.event?.type === ENDED, WAIT);
    assert.deepEqual(
      received(url).map((r) => r.event?.data?.status ?? r.event?.data?.terminationReason),
      ["Busy", "NETWORK_TERMINATED"],
    );
  });

  it("a status change published before a subscription exists is not delivered to it, even when the queue processes it later", async () => {
    const registrationId = await gw.register();
    const mediaSessionId = await originate(registrationId);
    const url = freshSink();
    // Hold the publication queue, then publish a terminal status behind the hold.
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = gw.dispatcher.hooks.created(
      {
        id: randomUUID(),
        owner: "tel:+0",
        request: body(url, SI, { registrationId }),
        status: "ACTIVE",
      } as never,
      { store: () => hold, initialEvents: async () => [] },
      "hold",
    );
    const changed = gw.engine.listener.sessionChanged({ mediaSessionId, status: "Busy", reason: "486" });
    // The subscription request reaches the dispatcher after the status change was published.
    const original = gw.dispatcher.hooks.created;
    let reached!: () => void;
    const reachedHook = new Promise<void>((resolve) => {
      reached = resolve;
    });
    gw.dispatcher.hooks.created = (...args) => {
      reached();
      return original(...args);
    };
    try {
      const subscribing = gw.subscribe(body(url, SS, { registrationId, sessionId: mediaSessionId }));
      await reachedHook;
      release();
      const sub = await created(await subscribing);
      await Promise.all([holder, changed]);
      await gw.dispatcher.whenIdle();
      assert.deepEqual(received(url), []);
      assert.equal(((await (await getSubscription(sub.id)).json()) as { status: string }).status, "ACTIVE");
    } finally {
      gw.dispatcher.hooks.created = original;
      release();
    }
  });

  it("410 Gone from the sink ends the subscription (status DELETED) and nothing more is sent to it", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const sub = await created(await gw.subscribe(body(url, SI, { registrationId })));
    sink.setBehaviour([{ status: 410 }]);
    await incomingCall(registrationId);
    await gw.dispatcher.whenIdle();
    await incomingCall(registrationId);
    await gw.dispatcher.whenIdle();
    assert.equal(sink.requests().filter(at(url)).length, 1);
    assert.equal(((await (await getSubscription(sub.id)).json()) as { status: string }).status, "DELETED");
  });

  it("401 from the sink to the access token ends the subscription with ACCESS_TOKEN_EXPIRED", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const credential = {
      credentialType: "ACCESSTOKEN",
      accessToken: "revoked",
      accessTokenType: "bearer",
      accessTokenExpiresUtc: new Date(Date.now() + 3600_000).toISOString(),
    };
    const sub = await created(
      await gw.subscribe(body(url, SI, { registrationId }, {}, { sinkCredential: credential })),
    );
    sink.setBehaviour([{ status: 401 }]);
    await incomingCall(registrationId);
    const ended = await sink.waitFor((r) => at(url)(r) && r.event?.type === ENDED, WAIT);
    assert.equal(ended.event?.data?.terminationReason, "ACCESS_TOKEN_EXPIRED");
    assert.equal(((await (await getSubscription(sub.id)).json()) as { status: string }).status, "EXPIRED");
  });

  it("honours Retry-After on 503 before trying again, and keeps the CloudEvent id", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    await created(await gw.subscribe(body(url, SI, { registrationId })));
    sink.setBehaviour([{ status: 503, retryAfter: "1" }]);
    await incomingCall(registrationId);
    const ok = await sink.waitFor((r) => at(url)(r) && r.status === 204, WAIT);
    const [first, second] = sink.requests().filter(at(url));
    assert.equal(first?.status, 503);
    assert.equal(second, ok);
    assert.equal(second?.event?.id, first?.event?.id);
    assert.ok((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0) >= 950, "waited for Retry-After: 1");
  });

  it("keeps subscriptions of another subscriber apart: BOB's registration events never reach ALICE's sink", async () => {
    const bob = await gw.token(BOB);
    const bobRegistration = await gw.register(bob);
    const res = await gw.subscribe(body(freshSink(), SI, { registrationId: bobRegistration }));
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { code: string }).code, "SUBSCRIPTION_MISMATCH");
  });
});

describe("webrtc-events on the store's group commit", () => {
  const HELD = "https://notificationServer.opentelco.com/group-commit";
  /** Outbox rows as another connection reads them from the file: what is committed. */
  function committedRows(subscriptionId: string) {
    const reader = new Database(gw.file, { readonly: true });
    try {
      return reader
        .prepare<[string], { event_id: string; body: string }>(
          "SELECT event_id, body FROM event_outbox WHERE subscription_id = ? ORDER BY seq",
        )
        .all(subscriptionId);
    } finally {
      reader.close();
    }
  }
  function subscriptionRecord(registrationId: string): SubscriptionRecord {
    return {
      id: randomUUID(),
      owner: "+34600000001",
      request: {
        protocol: "HTTP",
        sink: HELD,
        types: [SI],
        config: { subscriptionDetail: { registrationId } },
      },
      status: "ACTIVE",
      startsAt: new Date().toISOString(),
      expiresAt: null,
      eventCount: 0,
    };
  }
  const invitation = (registrationId: string): DomainEvent => ({
    type: SI,
    registrationId,
    correlator: randomUUID(),
    data: {
      mediaSessionId: randomUUID(),
      originatorAddress: "tel:+34600000009",
      receiverAddress: "tel:+34600000001",
      status: "Initial",
    },
  });

  it("answers the request that published an event only once the event's outbox row is committed", async () => {
    const registrationId = await gw.register();
    const sub = await created(await gw.subscribe(body(HELD, SI, { registrationId })));
    await incomingCall(registrationId);
    assert.equal(committedRows(sub.id).length, 1, "the row is in the file when the publisher resumes");
  });

  it("delivers an event published in the same turn to a subscription created just before it, and not one created just after", async () => {
    const registrationId = await gw.register();
    const earlier = subscriptionRecord(registrationId);
    const later = subscriptionRecord(registrationId);
    const steps = (record: SubscriptionRecord) => ({
      store: () => gw.store.subscriptions.put(record),
      initialEvents: async () => [],
    });
    // No await in between: the three steps enter the publication queue in this order in one turn.
    await Promise.all([
      gw.dispatcher.hooks.created(earlier, steps(earlier), randomUUID()),
      gw.dispatcher.publish(invitation(registrationId)),
      gw.dispatcher.hooks.created(later, steps(later), randomUUID()),
    ]);
    assert.equal(committedRows(earlier.id).length, 1);
    assert.equal(committedRows(later.id).length, 0);
  });

  it("answers concurrent subscription creations 201 once each is committed, all of them in the file", async () => {
    const registrationId = await gw.register();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => gw.subscribe(body(HELD, SI, { registrationId }))),
    );
    const ids = await Promise.all(responses.map(async (r) => (await created(r)).id));
    const reader = new Database(gw.file, { readonly: true });
    const stored = new Set(
      reader
        .prepare<[], { id: string }>("SELECT id FROM subscriptions")
        .all()
        .map((r) => r.id),
    );
    reader.close();
    assert.deepEqual(
      ids.filter((id) => !stored.has(id)),
      [],
    );
  });
});
