import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { OperationManifest } from "../../generated/index.ts";
import { loadContract } from "../load-contract.ts";
import { ALL_SCOPES, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

/**
 * A token naming no subscriber (a client-credentials token without phone number) on every
 * operation of every served release: the answer is an error the operation documents, status and code, never an undocumented
 * one such as INVALID_TOKEN_CONTEXT on the subscription list.
 */

/** The error codes an operation documents for a status (the `code` enum of its ErrorInfo schema). */
function documentedCodes(op: OperationManifest, status: number): string[] {
  const schema = JSON.stringify(op.responses[String(status)]?.content["application/json"] ?? {});
  return [...schema.matchAll(/"code":\{"enum":\[([^\]]*)\]/g)].flatMap((m) =>
    (m[1] ?? "").split(",").map((c) => JSON.parse(c) as string),
  );
}

const BODIES: Record<string, (ids: Record<string, string>) => unknown> = {
  createRegistration: () => ({ deviceId: randomUUID() }),
  updateRegistrationById: () => ({}),
  createSession: () => ({ receiverAddress: "tel:+34600000009" }),
  updateSessionStatus: () => ({ status: "Ringing" }),
  createNotificationChannelSubscription: (ids) => ({
    protocol: "HTTP",
    sink: "https://127.0.0.1:9443/sink",
    types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
    config: { subscriptionDetail: { registrationId: ids.registrationId } },
  }),
};

let gw: TestGateway;
let noSubscriber = "";
const ids: Record<string, string> = {};

describe("a token naming no subscriber", () => {
  before(async () => {
    gw = await startTestGateway();
    noSubscriber = await gw.issuer.issueToken({ phoneNumber: undefined, scopes: ALL_SCOPES });
    const reg = await gw.request("POST", "/webrtc-registration/v0.3/sessions", {
      body: { deviceId: randomUUID() },
    });
    ids.registrationId = String(((await reg.json()) as Record<string, unknown>).registrationId);
    const session = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
      headers: { registrationId: ids.registrationId },
      body: { receiverAddress: "tel:+34600000009" },
    });
    ids.mediaSessionId = String(((await session.json()) as Record<string, unknown>).mediaSessionId);
    const sub = await gw.request("POST", "/webrtc-events/v0.2/subscriptions", {
      body: BODIES.createNotificationChannelSubscription?.(ids),
    });
    ids.subscriptionId = String(((await sub.json()) as Record<string, unknown>).id);
  });
  after(async () => {
    await gw.close();
  });

  const operations = loadContract().releases.flatMap((r) => r.apis.flatMap((a) => a.operations));
  for (const op of operations) {
    it(`${op.release} ${op.operationId} answers an error status and code it documents`, async () => {
      const query = op.parameters.some((p) => p.in === "query" && p.name === "deviceId")
        ? `?deviceId=${randomUUID()}`
        : "";
      const path = `${op.fullPath.replace(/\{([^}]+)\}/g, (_m, name: string) => ids[name] ?? "unknown")}${query}`;
      const requestBody =
        op.release === "r3.1-rc.1" && op.operationId === "createSession"
          ? {
              originatorAddress: "tel:+34600000001",
              receiverAddress: "tel:+34600000009",
              offer: { sdp: "v=0" },
            }
          : op.release === "r3.1-rc.1" && op.operationId === "createNotificationChannelSubscription"
            ? {
                protocol: "HTTP",
                sink: "https://127.0.0.1:9443/sink",
                types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
                config: { subscriptionDetail: { deviceId: randomUUID() } },
              }
            : op.operationId === "updateNotificationChannelSubscription"
              ? { config: { subscriptionExpireTime: "2100-01-01T00:00:00Z" } }
              : BODIES[op.operationId]?.(ids);
      const headers: Record<string, string> = op.parameters.some((p) => p.name === "registrationId")
        ? { registrationId: ids.registrationId ?? "" }
        : {};
      const res = await gw.request(op.method.toUpperCase(), path, {
        token: noSubscriber,
        headers,
        ...(op.requestBody ? { body: requestBody ?? {} } : {}),
      });
      const text = await res.text();
      assert.ok(res.status >= 400, `${op.operationId} accepted it: ${res.status} ${text}`);
      const body = JSON.parse(text) as { status: number; code: string };
      assert.equal(body.status, res.status);
      assert.ok(
        documentedCodes(op, res.status).includes(body.code),
        `${op.operationId} answered ${res.status} ${body.code}, not documented for ${res.status}`,
      );
    });
  }

  it("retrieveNotificationChannelSubscriptionList answers 403 PERMISSION_DENIED", async () => {
    const res = await gw.request("GET", "/webrtc-events/v0.2/subscriptions", { token: noSubscriber });
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(
      { ...body, message: typeof body.message },
      {
        status: 403,
        code: "PERMISSION_DENIED",
        message: "string",
      },
    );
  });
});
