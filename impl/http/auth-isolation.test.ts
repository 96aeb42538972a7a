import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { apis } from "../../generated/r2.2/index.ts";
import { ALICE, ALL_SCOPES, BOB, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

/**
 * Object-level isolation between subscribers and the token-context checks: another subscriber's
 * resources do not exist for a caller, and a request that contradicts its token is refused.
 */

const XCORRELATOR = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;
const REGISTRATION_ENDS = "org.camaraproject.webrtc-events.v0.registration-ends";
const SESSION_INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";

const subscription = (registrationId: string, type = REGISTRATION_ENDS) => ({
  protocol: "HTTP",
  sink: "https://127.0.0.1:9443/sink",
  types: [type],
  config: { subscriptionDetail: { registrationId } },
});
/** Valid bodies for the operations on a resource by id that take one. */
const BODIES: Record<string, unknown> = {
  updateRegistrationById: {},
  updateSessionStatus: { status: "Ringing" },
};

let gw: TestGateway;
let bob = "";
const alice: Record<string, string> = {};

/** Exactly the ErrorInfo `{status, code, message}` with a sentence for message, and an x-correlator. */
async function assertError(res: Response, status: number, code: string, what: string): Promise<void> {
  const text = await res.text();
  const where = `${what}: answered ${res.status} ${text.slice(0, 300)}`;
  assert.equal(res.status, status, where);
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual({ ...body, message: typeof body.message }, { status, code, message: "string" }, where);
  assert.match(String(body.message), /\S+\s+\S+/, where);
  const correlator = res.headers.get("x-correlator");
  assert.ok(correlator && XCORRELATOR.test(correlator), `${where}: no valid x-correlator`);
}

async function created(res: Response): Promise<Record<string, unknown>> {
  assert.ok(res.ok, `fixture: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Record<string, unknown>;
}

describe("subscriber isolation and token context", () => {
  before(async () => {
    gw = await startTestGateway();
    bob = await gw.token(BOB, ALL_SCOPES);
    const reg = await created(
      await gw.request("POST", "/webrtc-registration/v0.3/sessions", { body: { deviceId: randomUUID() } }),
    );
    alice.registrationId = String(reg.registrationId);
    const session = await created(
      await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
        headers: { registrationId: alice.registrationId },
        body: { receiverAddress: "tel:+34600000009" },
      }),
    );
    alice.mediaSessionId = String(session.mediaSessionId);
    const sub = await created(
      await gw.request("POST", "/webrtc-events/v0.2/subscriptions", {
        body: subscription(alice.registrationId),
      }),
    );
    alice.subscriptionId = String(sub.id);
  });
  after(async () => {
    await gw.close();
  });

  const byId = apis
    .flatMap((api) => api.operations)
    .filter((op) => op.parameters.some((p) => p.in === "path"));
  for (const op of byId) {
    it(`${op.operationId} by BOB on ALICE's resource answers 404 NOT_FOUND`, async () => {
      const path = op.fullPath.replace(/\{([^}]+)\}/g, (_m, name: string) => alice[name] ?? "unknown");
      const body = BODIES[op.operationId];
      const res = await gw.request(op.method.toUpperCase(), path, {
        token: bob,
        ...(op.requestBody ? { body: body ?? {} } : {}),
      });
      await assertError(res, 404, "NOT_FOUND", `${op.operationId} ${path} as BOB`);
    });
  }

  it("BOB's subscription list does not contain ALICE's subscription, and ALICE's does (control)", async () => {
    const bobs = await created(await gw.request("GET", "/webrtc-events/v0.2/subscriptions", { token: bob }));
    assert.ok(Array.isArray(bobs));
    assert.ok(!(bobs as { id: string }[]).some((s) => s.id === alice.subscriptionId), JSON.stringify(bobs));
    const alices = await created(await gw.request("GET", "/webrtc-events/v0.2/subscriptions"));
    assert.ok((alices as unknown as { id: string }[]).some((s) => s.id === alice.subscriptionId));
  });

  it("left ALICE's registration, session and subscription in place after BOB's attempts", async () => {
    const session = await gw.request("GET", `/webrtc-call-handling/v0.3/sessions/${alice.mediaSessionId}`);
    assert.equal(session.status, 200);
    const sub = await gw.request("GET", `/webrtc-events/v0.2/subscriptions/${alice.subscriptionId}`);
    assert.equal(sub.status, 200);
    const refresh = await gw.request("PUT", `/webrtc-registration/v0.3/sessions/${alice.registrationId}`, {
      body: {},
    });
    assert.equal(refresh.status, 200);
  });

  for (const originatorAddress of ["tel:+34600000002", "sip:+34600000002@ims.example.com"]) {
    it(`createSession with originatorAddress ${originatorAddress}, not the token's number, answers 403 INVALID_TOKEN_CONTEXT`, async () => {
      const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
        headers: { registrationId: alice.registrationId ?? "" },
        body: { originatorAddress, receiverAddress: "tel:+34600000009" },
      });
      await assertError(res, 403, "INVALID_TOKEN_CONTEXT", `originatorAddress ${originatorAddress}`);
    });
  }

  it("createSession by BOB from ALICE's registration is refused and places no call", async () => {
    const before = gw.engine.calls.filter((c) => c.method === "originate").length;
    const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
      token: bob,
      headers: { registrationId: alice.registrationId ?? "" },
      body: { receiverAddress: "tel:+34600000009" },
    });
    assert.ok(res.status === 400 || res.status === 403, `${res.status} ${await res.clone().text()}`);
    const code = res.status === 400 ? "INVALID_ARGUMENT" : "PERMISSION_DENIED";
    await assertError(res, res.status, code, "BOB on ALICE's registration");
    assert.equal(gw.engine.calls.filter((c) => c.method === "originate").length, before);
  });

  for (const type of [SESSION_INVITATION, REGISTRATION_ENDS]) {
    it(`a ${type.split(".").pop()} subscription by BOB naming ALICE's registrationId answers 403 SUBSCRIPTION_MISMATCH`, async () => {
      const res = await gw.request("POST", "/webrtc-events/v0.2/subscriptions", {
        token: bob,
        body: subscription(alice.registrationId ?? "", type),
      });
      await assertError(res, 403, "SUBSCRIPTION_MISMATCH", `BOB subscribing to ${type} of ALICE`);
    });
  }

  it("a token holding only the registration-ends create scope asking for session-invitation answers 403 PERMISSION_DENIED", async () => {
    const token = await gw.token(ALICE, [`webrtc-events:${REGISTRATION_ENDS}:create`]);
    const res = await gw.request("POST", "/webrtc-events/v0.2/subscriptions", {
      token,
      body: subscription(alice.registrationId ?? "", SESSION_INVITATION),
    });
    await assertError(res, 403, "PERMISSION_DENIED", "registration-ends scope, session-invitation type");
    const control = await gw.request("POST", "/webrtc-events/v0.2/subscriptions", {
      token,
      body: subscription(alice.registrationId ?? "", REGISTRATION_ENDS),
    });
    assert.equal(
      control.status,
      201,
      `the same token may subscribe to registration-ends: ${await control.text()}`,
    );
  });
});
