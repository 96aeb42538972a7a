import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ALICE, BOB, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

/** webrtc-registration v0.4.0-rc.1 (r3.1) served beside v0.3 (r2.2) over the same store. */

const R22 = "/webrtc-registration/v0.3/sessions";
const R31 = "/webrtc-registration/v0.4rc1/sessions";
let now = Date.parse("2030-01-01T00:00:00.000Z");
let gw: TestGateway;

before(async () => {
  gw = await startTestGateway({ clock: { now: () => new Date(now) } });
});
after(() => gw.close());

async function created(res: Response, status: number) {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as { registrationId: string; expiresAt: string; regInfo: { phoneNumber: string } };
}

describe("webrtc-registration r3.1", () => {
  it("answers createRegistration with 201 where r2.2 answers 200", async () => {
    const r31 = await created(await gw.request("POST", R31, { body: { deviceId: randomUUID() } }), 201);
    assert.deepEqual(r31.regInfo, { phoneNumber: ALICE, regStatus: "Registered" });
    await created(await gw.request("POST", R22, { body: { deviceId: randomUUID() } }), 200);
  });

  it("reads a registration made through r2.2 by its id and by its device", async () => {
    const deviceId = randomUUID();
    const reg = await created(await gw.request("POST", R22, { body: { deviceId } }), 200);
    const byId = await gw.request("GET", `${R31}/${reg.registrationId}`);
    assert.deepEqual(await byId.json(), reg);
    const byDevice = await gw.request("GET", `${R31}?deviceId=${deviceId}`);
    assert.equal(byDevice.status, 200);
    assert.deepEqual(await byDevice.json(), [reg]);
  });

  it("lists nothing for a device without active registrations", async () => {
    const res = await gw.request("GET", `${R31}?deviceId=${randomUUID()}`);
    assert.deepEqual([res.status, await res.json()], [200, []]);
  });

  it("refuses a second registration of the same device and phone number with 409 ALREADY_EXISTS", async () => {
    const deviceId = randomUUID();
    const first = await created(await gw.request("POST", R31, { body: { deviceId } }), 201);
    const again = await gw.request("POST", R31, { body: { deviceId } });
    assert.equal(again.status, 409);
    assert.deepEqual(await again.json(), {
      status: 409,
      code: "ALREADY_EXISTS",
      message: `Device ${deviceId} already has an active registration for this phone number (${first.registrationId}); refresh or delete it.`,
    });
  });

  it("registers one device for several phone numbers, each seeing only its own", async () => {
    const deviceId = randomUUID();
    const alice = await created(await gw.request("POST", R31, { body: { deviceId } }), 201);
    const bobToken = await gw.token(BOB);
    const bob = await created(await gw.request("POST", R31, { body: { deviceId }, token: bobToken }), 201);
    assert.notEqual(alice.registrationId, bob.registrationId);
    assert.deepEqual(await (await gw.request("GET", `${R31}?deviceId=${deviceId}`)).json(), [alice]);
    const bobs = await gw.request("GET", `${R31}?deviceId=${deviceId}`, { token: bobToken });
    assert.deepEqual(await bobs.json(), [bob]);
    const foreign = await gw.request("GET", `${R31}/${bob.registrationId}`);
    assert.equal(foreign.status, 404, "another subscriber's registration does not exist for the caller");
  });

  it("still replaces a device's registration through r2.2, as r2.2 says", async () => {
    const deviceId = randomUUID();
    const first = await created(await gw.request("POST", R22, { body: { deviceId } }), 200);
    const second = await created(await gw.request("POST", R22, { body: { deviceId } }), 200);
    assert.equal((await gw.request("GET", `${R31}/${first.registrationId}`)).status, 404);
    assert.deepEqual(await (await gw.request("GET", `${R31}?deviceId=${deviceId}`)).json(), [second]);
  });

  it("refuses a registrationExpireTime below the operator minimum with 400 OUT_OF_RANGE", async () => {
    const registrationExpireTime = new Date(now + 299_000).toISOString();
    const res = await gw.request("POST", R31, { body: { deviceId: randomUUID(), registrationExpireTime } });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      status: 400,
      code: "OUT_OF_RANGE",
      message: "registrationExpireTime must be at least 300 s after the request (the operator's minimum).",
    });
  });

  it("caps a registrationExpireTime above the operator maximum, on creation and refresh", async () => {
    const registrationExpireTime = new Date(now + 7 * 86_400_000).toISOString();
    const max = new Date(now + 86_400_000).toISOString();
    const reg = await created(
      await gw.request("POST", R31, { body: { deviceId: randomUUID(), registrationExpireTime } }),
      201,
    );
    assert.equal(reg.expiresAt, max);
    const refreshed = await gw.request("PUT", `${R31}/${reg.registrationId}`, {
      body: { registrationExpireTime },
    });
    assert.equal(((await refreshed.json()) as { expiresAt: string }).expiresAt, max);
  });

  it("answers getRegistrationById with 404 once the registration has expired, and lists it no more", async () => {
    const deviceId = randomUUID();
    const reg = await created(await gw.request("POST", R31, { body: { deviceId } }), 201);
    assert.equal((await gw.request("GET", `${R31}/${reg.registrationId}`)).status, 200);
    now += 3601_000; // past the default TTL of 3600 s, before any sweep
    try {
      const gone = await gw.request("GET", `${R31}/${reg.registrationId}`);
      assert.equal(gone.status, 404);
      assert.deepEqual(await gone.json(), {
        status: 404,
        code: "NOT_FOUND",
        message: "The registration is not found.",
      });
      assert.deepEqual(await (await gw.request("GET", `${R31}?deviceId=${deviceId}`)).json(), []);
      await created(await gw.request("POST", R31, { body: { deviceId } }), 201);
    } finally {
      now -= 3601_000;
    }
  });
});
