import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ALICE, ALL_SCOPES, BOB, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

/** webrtc-events v0.3.0-rc.1 (r3.1) served beside v0.2 (r2.2) over the same store and lifecycle. */

const R22 = "/webrtc-events/v0.2/subscriptions";
const R31 = "/webrtc-events/v0.3rc1/subscriptions";
const STATUS = "org.camaraproject.webrtc-events.v0.session-status";
const INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";
const ENDS = "org.camaraproject.webrtc-events.v0.registration-ends";
let gw: TestGateway;
let deviceId = "";
let registrationId = "";

const body = (types: string[], device = deviceId, extra: object = {}) => ({
  protocol: "HTTP",
  sink: "https://127.0.0.1:9443/sink",
  types,
  config: { subscriptionDetail: { deviceId: device } },
  ...extra,
});

async function answer(res: Response, status: number): Promise<Record<string, unknown>> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

before(async () => {
  gw = await startTestGateway();
  deviceId = randomUUID();
  const reg = await gw.request("POST", "/webrtc-registration/v0.3/sessions", { body: { deviceId } });
  registrationId = String((await answer(reg, 200)).registrationId);
});
after(() => gw.close());

describe("webrtc-events r3.1", () => {
  it("creates a subscription keyed by deviceId with three event types, without echoing the sink credential", async () => {
    const credential = {
      credentialType: "ACCESSTOKEN",
      accessToken: "secret",
      accessTokenExpiresUtc: "2100-01-01T00:00:00Z",
      accessTokenType: "bearer",
    };
    const sub = await answer(
      await gw.request("POST", R31, {
        body: body([STATUS, INVITATION, ENDS], deviceId, { sinkCredential: credential }),
      }),
      201,
    );
    assert.deepEqual(sub.types, [STATUS, INVITATION, ENDS]);
    assert.deepEqual(sub.config, { subscriptionDetail: { deviceId } });
    assert.equal(sub.status, "ACTIVE");
    assert.equal("sinkCredential" in sub, false);
    assert.deepEqual(await answer(await gw.request("GET", `${R31}/${String(sub.id)}`), 200), sub);
  });

  it("refuses a device without a registration of the caller with 403 SUBSCRIPTION_MISMATCH", async () => {
    const mine = await gw.request("POST", R31, { body: body([INVITATION], randomUUID()) });
    assert.equal((await answer(mine, 403)).code, "SUBSCRIPTION_MISMATCH");
    const bob = await gw.token(BOB);
    const theirs = await gw.request("POST", R31, { token: bob, body: body([INVITATION]) });
    assert.equal((await answer(theirs, 403)).code, "SUBSCRIPTION_MISMATCH");
  });

  it("refuses more than 3 event types with 422 MULTIEVENT_SUBSCRIPTION_NOT_SUPPORTED (types: maxItems 3)", async () => {
    const res = await gw.request("POST", R31, { body: body([STATUS, INVITATION, ENDS, STATUS]) });
    assert.equal((await answer(res, 422)).code, "MULTIEVENT_SUBSCRIPTION_NOT_SUPPORTED");
  });

  it("needs the create scope of every requested type: 403 PERMISSION_DENIED naming the missing one", async () => {
    const scope = `webrtc-events:${STATUS}:create`;
    const token = await gw.token(
      ALICE,
      ALL_SCOPES.filter((s) => s !== scope),
    );
    const res = await gw.request("POST", R31, { token, body: body([INVITATION, STATUS]) });
    const error = await answer(res, 403);
    assert.deepEqual(
      [error.code, error.message],
      ["PERMISSION_DENIED", `The access token lacks the scope ${scope}.`],
    );
  });

  it("shows an r2.2 subscription with its registration's device, and hides an r3.1 one from r2.2", async () => {
    const r22 = await answer(
      await gw.request("POST", R22, {
        body: {
          protocol: "HTTP",
          sink: "https://127.0.0.1:9443/sink",
          types: [ENDS],
          config: { subscriptionDetail: { registrationId } },
        },
      }),
      201,
    );
    const seen = await answer(await gw.request("GET", `${R31}/${String(r22.id)}`), 200);
    assert.deepEqual(seen.config, { subscriptionDetail: { deviceId } });
    const r31 = await answer(await gw.request("POST", R31, { body: body([INVITATION]) }), 201);
    assert.equal((await answer(await gw.request("GET", `${R22}/${String(r31.id)}`), 404)).code, "NOT_FOUND");
    const listed31 = (await (await gw.request("GET", R31)).json()) as { id: string }[];
    assert.ok(listed31.some((s) => s.id === r22.id) && listed31.some((s) => s.id === r31.id));
    const listed22 = (await (await gw.request("GET", R22)).json()) as { id: string }[];
    assert.ok(listed22.some((s) => s.id === r22.id) && !listed22.some((s) => s.id === r31.id));
  });

  it("updates the expire time and sink credential with PUT, and nothing else", async () => {
    const sub = await answer(await gw.request("POST", R31, { body: body([INVITATION]) }), 201);
    const expires = "2099-06-01T00:00:00.000Z";
    const updated = await answer(
      await gw.request("PUT", `${R31}/${String(sub.id)}`, {
        body: {
          sinkCredential: {
            credentialType: "ACCESSTOKEN",
            accessToken: "new",
            accessTokenExpiresUtc: "2100-01-01T00:00:00Z",
            accessTokenType: "bearer",
          },
          config: { subscriptionExpireTime: expires },
        },
      }),
      200,
    );
    assert.deepEqual(updated, {
      ...sub,
      expiresAt: expires,
      config: { subscriptionDetail: { deviceId }, subscriptionExpireTime: expires },
    });
    assert.deepEqual(await answer(await gw.request("GET", `${R31}/${String(sub.id)}`), 200), updated);
  });

  it("refuses a PUT that changes nothing, or to a past time, with 400", async () => {
    const sub = await answer(await gw.request("POST", R31, { body: body([INVITATION]) }), 201);
    const empty = await gw.request("PUT", `${R31}/${String(sub.id)}`, { body: {} });
    assert.equal((await answer(empty, 400)).code, "INVALID_ARGUMENT");
    const past = await gw.request("PUT", `${R31}/${String(sub.id)}`, {
      body: { config: { subscriptionExpireTime: "2001-01-01T00:00:00Z" } },
    });
    assert.equal((await answer(past, 400)).code, "OUT_OF_RANGE");
    const sink = await gw.request("PUT", `${R31}/${String(sub.id)}`, {
      body: { sink: "https://elsewhere.example" },
    });
    assert.equal((await answer(sink, 400)).code, "INVALID_ARGUMENT");
  });

  it("answers another subscriber's subscription with 404 on every operation, and deletes the caller's", async () => {
    const sub = await answer(await gw.request("POST", R31, { body: body([INVITATION]) }), 201);
    const bob = await gw.token(BOB);
    const path = `${R31}/${String(sub.id)}`;
    await answer(await gw.request("GET", path, { token: bob }), 404);
    await answer(
      await gw.request("PUT", path, {
        token: bob,
        body: { config: { subscriptionExpireTime: "2099-01-01T00:00:00Z" } },
      }),
      404,
    );
    await answer(await gw.request("DELETE", path, { token: bob }), 404);
    await answer(await gw.request("DELETE", path), 204);
    await answer(await gw.request("GET", path), 404);
  });
});
