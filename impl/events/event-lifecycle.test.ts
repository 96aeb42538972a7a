import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { SubscriptionRecord } from "../store/index.ts";
import { BOB } from "../testing/test-gateway.ts";
import {
  assertConforms,
  at,
  body,
  created,
  ENDED,
  freshSink,
  getSubscription,
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

describe("webrtc-events lifecycle", () => {
  it("subscriptionExpireTime: ends the subscription with subscription-ended SUBSCRIPTION_EXPIRED and status EXPIRED", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const expire = new Date(Date.now() + 1500).toISOString();
    const sub = await created(
      await gw.subscribe(
        body(url, REGISTRATION_ENDS, { registrationId }, { subscriptionExpireTime: expire }),
      ),
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
      await gw.subscribe(body(url, SESSION_INVITATION, { registrationId }, { subscriptionMaxEvents: 2 })),
    );
    for (let i = 0; i < 3; i++) await incomingCall(registrationId);
    await gw.dispatcher.whenIdle();
    const events = received(url).map((r) => r.event);
    assert.deepEqual(
      events.map((e) => e?.type),
      [SESSION_INVITATION, SESSION_INVITATION, ENDED],
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
        body(url, SESSION_STATUS, { registrationId, sessionId: mediaSessionId }, { initialEvent: true }),
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
    await created(
      await gw.subscribe(body(url, SESSION_INVITATION, { registrationId }, { initialEvent: true })),
    );
    const r = await sink.waitFor(at(url), WAIT);
    assertConforms(r);
    assert.equal(r.event?.data?.mediaSessionId, mediaSessionId);
  });

  it("initialEvent on registration-ends sends nothing: the registration is active", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    await created(
      await gw.subscribe(body(url, REGISTRATION_ENDS, { registrationId }, { initialEvent: true })),
    );
    await gw.dispatcher.whenIdle();
    assert.equal(received(url).length, 0);
  });

  it("DELETE: subscription-ended SUBSCRIPTION_DELETED goes to the subscription's own sink; the subscription is gone", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const sub = await created(await gw.subscribe(body(url, REGISTRATION_ENDS, { registrationId })));
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
      await gw.subscribe(
        body(url, REGISTRATION_ENDS, { registrationId }, {}, { sinkCredential: credential }),
      ),
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
      const sub = await created(await gw.subscribe(body(url, REGISTRATION_ENDS, { registrationId })));
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
    const si = await created(await gw.subscribe(body(invitations, SESSION_INVITATION, { registrationId })));
    const re = await created(await gw.subscribe(body(ends, REGISTRATION_ENDS, { registrationId })));
    const ss = await created(
      await gw.subscribe(body(status, SESSION_STATUS, { registrationId, sessionId: mediaSessionId })),
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
    await created(
      await gw.subscribe(body(url, SESSION_STATUS, { registrationId, sessionId: mediaSessionId })),
    );
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
    const held = {
      id: randomUUID(),
      owner: "tel:+0",
      request: body(url, SESSION_INVITATION, { registrationId }),
      status: "ACTIVE",
    } as never as SubscriptionRecord;
    const put = gw.store.subscriptions.put;
    gw.store.subscriptions.put = (record) =>
      record.id === held.id ? hold : put.call(gw.store.subscriptions, record);
    const holder = gw.lifecycle.create(held, "hold");
    const changed = gw.engine.listener.sessionChanged({ mediaSessionId, status: "Busy", reason: "486" });
    // The subscription request reaches the lifecycle after the status change was published.
    const original = gw.lifecycle.create;
    let reached!: () => void;
    const reachedHook = new Promise<void>((resolve) => {
      reached = resolve;
    });
    gw.lifecycle.create = (...args) => {
      reached();
      return original(...args);
    };
    try {
      const subscribing = gw.subscribe(
        body(url, SESSION_STATUS, { registrationId, sessionId: mediaSessionId }),
      );
      await reachedHook;
      release();
      const sub = await created(await subscribing);
      await Promise.all([holder, changed]);
      await gw.dispatcher.whenIdle();
      assert.deepEqual(received(url), []);
      assert.equal(((await (await getSubscription(sub.id)).json()) as { status: string }).status, "ACTIVE");
    } finally {
      gw.lifecycle.create = original;
      gw.store.subscriptions.put = put;
      release();
    }
  });

  it("410 Gone from the sink ends the subscription (status DELETED) and nothing more is sent to it", async () => {
    const registrationId = await gw.register();
    const url = freshSink();
    const sub = await created(await gw.subscribe(body(url, SESSION_INVITATION, { registrationId })));
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
      await gw.subscribe(
        body(url, SESSION_INVITATION, { registrationId }, {}, { sinkCredential: credential }),
      ),
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
    await created(await gw.subscribe(body(url, SESSION_INVITATION, { registrationId })));
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
    const res = await gw.subscribe(
      body(freshSink(), SESSION_INVITATION, { registrationId: bobRegistration }),
    );
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { code: string }).code, "SUBSCRIPTION_MISMATCH");
  });
});
