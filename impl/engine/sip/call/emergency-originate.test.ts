import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import type { DeviceLocation, OriginateRequest } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import { FakeCore, legContext, SDP } from "../testing/fake-sip.ts";
import type { CallLeg } from "./call-leg.ts";
import { originateCall } from "./originate-call.ts";

const emergency = (location: DeviceLocation | undefined): OriginateRequest => ({
  mediaSessionId: "m-1",
  registrationId: "r-1",
  originatorAddress: "tel:+34600000001",
  receiverAddress: "tel:+34600000002",
  originatorName: undefined,
  offerSdp: SDP(40000),
  correlator: "c-1",
  emergency: { location },
});

describe("originateCall for an emergency call (fake core, fake anchor)", () => {
  let anchor: FakeMediaAnchor;
  let core: FakeCore;
  let legs: Map<string, CallLeg>;
  const host = (emergencyCalls: boolean) => ({
    ctx: { ...legContext({ anchor, core }), ended: (leg: CallLeg) => legs.delete(leg.mediaSessionId) },
    legs,
    domain: "lab.test",
    ensureConnected: async () => undefined,
    contactFor: (id: string) => `sip:gw@127.0.0.1;rid=${id}`,
    emergencyCalls,
  });
  beforeEach(() => {
    anchor = fakeMediaAnchor();
    core = new FakeCore();
    legs = new Map();
  });

  it("refuses it with not_supported when the operator has emergency calls off, before anything is anchored or sent", async () => {
    await assert.rejects(
      originateCall(host(false), emergency(undefined)),
      (e: unknown) =>
        e instanceof EngineError &&
        e.failure === "not_supported" &&
        e.clientMessage === "This operator does not place emergency calls through this gateway.",
    );
    assert.deepEqual(anchor.requests, []);
    assert.equal(core.invites.length, 0);
    assert.equal(legs.size, 0);
  });

  it("refuses an impossible location with invalid_location, before anything is anchored or sent", async () => {
    await assert.rejects(
      originateCall(host(true), emergency({ shape: "Circle", latitude: 91, longitude: 0, radiusM: 10 })),
      (e: unknown) => e instanceof EngineError && e.failure === "invalid_location",
    );
    assert.deepEqual(anchor.requests, []);
    assert.equal(core.invites.length, 0);
  });

  it("sends the INVITE with the anchored offer beside the PIDF-LO when emergency calls are on", async () => {
    await originateCall(
      host(true),
      emergency({ shape: "Circle", latitude: 40.5, longitude: -3.5, radiusM: 25 }),
    );
    const body = core.invites[0]?.body ?? "";
    assert.match(body, /Content-Type: application\/sdp\r\n\r\nv=0/);
    assert.match(body, /<gml:pos>40\.5 -3\.5<\/gml:pos>/);
    assert.equal(legs.size, 1);
    for (const leg of legs.values()) leg.finish("Terminated", "test over", true);
  });

  it("leaves a regular call alone when emergency calls are off", async () => {
    await originateCall(host(false), { ...emergency(undefined), emergency: undefined });
    assert.equal(core.invites.length, 1);
    for (const leg of legs.values()) leg.finish("Terminated", "test over", true);
  });
});
