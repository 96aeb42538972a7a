import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import type { OriginateRequest } from "../engine/engine.ts";
import { ALICE, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

/** webrtc-call-handling v0.4.0-rc.1 (r3.1) served beside v0.3 (r2.2) over the same services. */

const R22 = "/webrtc-call-handling/v0.3/sessions";
const R31 = "/webrtc-call-handling/v0.4rc1/sessions";
const OFFER = { sdp: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" };
const CIRCLE = {
  shape: "Circle",
  coordinates: { latitude: 40.7128, longitude: -74.006, radius: 50 },
  method: "GPS",
  confidence: { pdf: "normal", value: 88 },
  timestamp: "2025-10-06T19:32:10Z",
};
let gw: TestGateway;
let registrationId = "";

before(async () => {
  gw = await startTestGateway();
});
after(() => gw.close());
beforeEach(async () => {
  gw.engine.placeEmergencyCalls(true);
  // Registered through r2.2: the registration serves both releases.
  const res = await gw.request("POST", "/webrtc-registration/v0.3/sessions", {
    body: { deviceId: randomUUID() },
  });
  registrationId = ((await res.json()) as { registrationId: string }).registrationId;
});

const create = (body: Record<string, unknown>) =>
  gw.request("POST", R31, {
    headers: { registrationId },
    body: { originatorAddress: `tel:${ALICE}`, offer: OFFER, ...body },
  });

function lastOriginate(): OriginateRequest {
  const found = gw.engine.calls.filter((c) => c.method === "originate").at(-1);
  assert.ok(found, "no originate reached the engine");
  return found.request as OriginateRequest;
}

describe("webrtc-call-handling r3.1", () => {
  it("places a call with MediaSessionCreate and reads it back through both releases", async () => {
    const res = await create({ receiverAddress: "tel:+34600000009", receiverName: "Bob" });
    assert.equal(res.status, 201);
    const session = (await res.json()) as Record<string, unknown>;
    const { mediaSessionId } = session as { mediaSessionId: string };
    assert.deepEqual(session, {
      mediaSessionId,
      status: "Initial",
      originatorAddress: `tel:${ALICE}`,
      receiverAddress: "tel:+34600000009",
      receiverName: "Bob",
      offer: OFFER,
    });
    assert.deepEqual(await (await gw.request("GET", `${R31}/${mediaSessionId}`)).json(), session);
    const r22 = (await (await gw.request("GET", `${R22}/${mediaSessionId}`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(r22.mediaSessionId, mediaSessionId);
    assert.equal(r22.receiverAddress, "tel:+34600000009");
    const request = lastOriginate();
    assert.equal(request.emergency, undefined);
    assert.equal(request.anonymous, undefined);
  });

  it("has no clientCorrelator idempotency: the same clientCorrelator places a second call", async () => {
    const body = { receiverAddress: "tel:+34600000009", clientCorrelator: "same-123" };
    const first = (await (await create(body)).json()) as { mediaSessionId: string };
    const second = (await (await create(body)).json()) as { mediaSessionId: string };
    assert.notEqual(first.mediaSessionId, second.mediaSessionId);
    assert.equal("clientCorrelator" in first, false);
  });

  it("places an anonymous caller's call with the subscriber's identity for the network to hide", async () => {
    const res = await create({
      originatorAddress: "sip:anonymous@anonymous.invalid",
      receiverAddress: "tel:+34600000009",
    });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(
      ((await res.json()) as { originatorAddress: string }).originatorAddress,
      "sip:anonymous@anonymous.invalid",
    );
    const request = lastOriginate();
    assert.equal(request.anonymous, true);
    assert.equal(request.originatorAddress, `tel:${ALICE}`);
  });

  it("keeps r2.2's rule: an anonymous originatorAddress is not the subscriber's, 403 INVALID_TOKEN_CONTEXT", async () => {
    const res = await gw.request("POST", R22, {
      headers: { registrationId },
      body: { originatorAddress: "sip:anonymous@anonymous.invalid", receiverAddress: "tel:+34600000009" },
    });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), {
      status: 403,
      code: "INVALID_TOKEN_CONTEXT",
      message: "originatorAddress is not consistent with access token.",
    });
  });

  it("places callType EMERGENCY with the device's location mapped for the network", async () => {
    const res = await create({
      receiverAddress: "urn:service:sos",
      callType: "EMERGENCY",
      locationDetails: CIRCLE,
    });
    assert.equal(res.status, 201, await res.clone().text());
    const session = (await res.json()) as {
      mediaSessionId: string;
      callType: string;
      locationDetails: unknown;
    };
    assert.equal(session.callType, "EMERGENCY");
    assert.deepEqual(session.locationDetails, CIRCLE);
    assert.deepEqual(lastOriginate().emergency, {
      location: {
        shape: "Circle",
        latitude: 40.7128,
        longitude: -74.006,
        radiusM: 50,
        method: "GPS",
        confidence: { pdf: "normal", percent: 88 },
        timestamp: "2025-10-06T19:32:10Z",
      },
    });
    const r22 = await gw.request("GET", `${R22}/${session.mediaSessionId}`);
    assert.equal(r22.status, 404, "r2.2's Address grammar cannot show urn:service:sos");
    assert.equal((await gw.request("DELETE", `${R22}/${session.mediaSessionId}`)).status, 404);
    assert.equal((await gw.request("DELETE", `${R31}/${session.mediaSessionId}`)).status, 204);
  });

  it("treats a call to urn:service:sos as an emergency call without callType", async () => {
    const res = await create({ receiverAddress: "urn:service:sos.police" });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(((await res.json()) as { callType: string }).callType, "EMERGENCY");
    assert.deepEqual(lastOriginate().emergency, { location: undefined });
  });

  it("answers 501 CALLTYPE_EMERGENCY_NOT_SUPPORTED when the engine places no emergency calls", async () => {
    gw.engine.placeEmergencyCalls(false);
    const before = gw.engine.calls.length;
    const res = await create({
      receiverAddress: "urn:service:sos",
      callType: "EMERGENCY",
      locationDetails: CIRCLE,
    });
    assert.equal(res.status, 501);
    assert.deepEqual(await res.json(), {
      status: 501,
      code: "CALLTYPE_EMERGENCY_NOT_SUPPORTED",
      message:
        "This operator does not place emergency calls through this API; call the emergency services by other means.",
    });
    assert.equal(gw.engine.calls.length, before, "nothing reached the engine");
  });

  it("refuses locationDetails whose shape its coordinates contradict with 400 INVALID_ARGUMENT", async () => {
    const res = await create({
      receiverAddress: "urn:service:sos",
      callType: "EMERGENCY",
      locationDetails: { ...CIRCLE, shape: "Ellipsoid" },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      status: 400,
      code: "INVALID_ARGUMENT",
      message: "locationDetails.shape is Ellipsoid but its coordinates describe a Circle.",
    });
  });

  it("refuses an originatorAddress of another subscriber with 403 INVALID_TOKEN_CONTEXT", async () => {
    const res = await create({ originatorAddress: "tel:+34600000002", receiverAddress: "tel:+34600000009" });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), {
      status: 403,
      code: "INVALID_TOKEN_CONTEXT",
      message: "originatorAddress is not consistent with access token.",
    });
  });

  for (const receiverAddress of ["tel:1234;phone-context=+34", "sip:+34600000009@example.com;user=phone"]) {
    it(`refuses ${receiverAddress}, outside r3.1-rc.1's Address pattern, with 400 INVALID_ARGUMENT`, async () => {
      const res = await create({ receiverAddress });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { code: string }).code, "INVALID_ARGUMENT");
    });
  }

  it("announces a call's status with its registration's device, also once the registration is deleted", async () => {
    const deviceId = randomUUID();
    const reg = await gw.request("POST", "/webrtc-registration/v0.4rc1/sessions", { body: { deviceId } });
    const own = ((await reg.json()) as { registrationId: string }).registrationId;
    const res = await gw.request("POST", R31, {
      headers: { registrationId: own },
      body: { originatorAddress: `tel:${ALICE}`, offer: OFFER, receiverAddress: "tel:+34600000009" },
    });
    const { mediaSessionId } = (await res.json()) as { mediaSessionId: string };
    const gone = await gw.request("DELETE", `/webrtc-registration/v0.4rc1/sessions/${own}`);
    assert.equal(gone.status, 204);
    await gw.engine.listener.sessionChanged({
      mediaSessionId,
      status: "Connected",
      reason: "200 OK",
      answerSdp: "v=0",
    });
    const status = gw.events.filter(
      (e) =>
        e.type === "org.camaraproject.webrtc-events.v0.session-status" && e.mediaSessionId === mediaSessionId,
    );
    assert.ok(status.length > 0, "no session-status was published");
    for (const e of status) assert.deepEqual("device" in e && e.device, { owner: ALICE, deviceId });
  });

  it("keeps the location a status change carries and shows it in r3.1 only", async () => {
    const res = await create({ receiverAddress: "tel:+34600000009" });
    const { mediaSessionId } = (await res.json()) as { mediaSessionId: string };
    await gw.engine.listener.sessionChanged({
      mediaSessionId,
      status: "Connected",
      reason: "200 OK",
      answerSdp: "v=0",
    });
    const put = await gw.request("PUT", `${R31}/${mediaSessionId}/status`, {
      body: { status: "Hold", locationDetails: CIRCLE },
    });
    assert.equal(put.status, 200, await put.clone().text());
    assert.deepEqual(((await put.json()) as { locationDetails: unknown }).locationDetails, CIRCLE);
    const r22 = (await (await gw.request("GET", `${R22}/${mediaSessionId}`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(r22.status, "Hold");
    assert.equal("locationDetails" in r22, false);
  });
});
