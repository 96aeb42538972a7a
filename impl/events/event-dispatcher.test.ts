import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { PublishedEvent } from "../services/event-publisher.ts";
import type { SubscriptionRecord } from "../store/index.ts";
import {
  assertConforms,
  at,
  body,
  created,
  freshSink,
  gw,
  incomingCall,
  originate,
  REGISTRATION_ENDS,
  received,
  SESSION_INVITATION,
  SESSION_STATUS,
  sink,
  startKit,
  stopKit,
  WAIT,
} from "./testing/dispatcher-test-kit.ts";

before(startKit);
after(stopKit);

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
      await gw.subscribe(
        body(url, SESSION_INVITATION, { registrationId }, {}, { sinkCredential: credential }),
      ),
    );
    await created(await gw.subscribe(body(otherUrl, SESSION_INVITATION, { registrationId: other })));
    const mediaSessionId = await incomingCall(registrationId);
    const r = await sink.waitFor(at(url), WAIT);
    assertConforms(r);
    assert.equal(r.authorization, "Bearer sink-token-1");
    assert.match(String(r.headers["content-type"]), /^application\/cloudevents\+json/);
    assert.ok(r.correlator);
    assert.equal(r.event?.type, SESSION_INVITATION);
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
    await created(
      await gw.subscribe(body(url, SESSION_STATUS, { registrationId, sessionId: mediaSessionId })),
    );
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
      const res = await gw.subscribe(body(bad, REGISTRATION_ENDS, { registrationId }));
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
    const res = await gw.subscribe(
      body("https://notificationServer.opentelco.com", SESSION_INVITATION, { registrationId }),
    );
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
        types: [SESSION_INVITATION],
        config: { subscriptionDetail: { registrationId } },
      },
      status: "ACTIVE",
      startsAt: new Date().toISOString(),
      expiresAt: null,
      eventCount: 0,
    };
  }
  const invitation = (registrationId: string): PublishedEvent => ({
    type: SESSION_INVITATION,
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
    const sub = await created(await gw.subscribe(body(HELD, SESSION_INVITATION, { registrationId })));
    await incomingCall(registrationId);
    assert.equal(committedRows(sub.id).length, 1, "the row is in the file when the publisher resumes");
  });

  it("delivers an event published in the same turn to a subscription created just before it, and not one created just after", async () => {
    const registrationId = await gw.register();
    const earlier = subscriptionRecord(registrationId);
    const later = subscriptionRecord(registrationId);
    // No await in between: the three steps enter the publication queue in this order in one turn.
    await Promise.all([
      gw.lifecycle.create(earlier, randomUUID()),
      gw.lifecycle.publish(invitation(registrationId)),
      gw.lifecycle.create(later, randomUUID()),
    ]);
    assert.equal(committedRows(earlier.id).length, 1);
    assert.equal(committedRows(later.id).length, 0);
  });

  it("answers concurrent subscription creations 201 once each is committed, all of them in the file", async () => {
    const registrationId = await gw.register();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => gw.subscribe(body(HELD, SESSION_INVITATION, { registrationId }))),
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
