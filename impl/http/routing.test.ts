import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { OperationManifest } from "../../generated/index.ts";
import { loadContract } from "../load-contract.ts";
import { startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

/**
 * The routing table is the operation manifests of every served release (r2.2 and r3.1-rc.1): every
 * operationId answers at its method and full path, unknown paths are 404 NOT_FOUND, and known paths with another method are 405 with Allow.
 */

const operations = loadContract().releases.flatMap((r) => r.apis.flatMap((api) => api.operations));
const XCORRELATOR = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;
const GENERIC_NOT_FOUND = "The specified resource is not found.";
const METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH"];

let gw: TestGateway;
let registrationId = "";
const deviceId = randomUUID();

/** A schema-valid body for each operation that takes one; path parameters name nothing. */
function requestFor(op: OperationManifest): { body?: unknown; headers: Record<string, string> } {
  const bodies: Record<string, unknown> = {
    createRegistration: { deviceId: randomUUID() },
    updateRegistrationById: {},
    createSession: { receiverAddress: "tel:+34600000009" },
    updateSessionStatus: { status: "Ringing" },
    createNotificationChannelSubscription: {
      protocol: "HTTP",
      sink: "https://127.0.0.1:9443/sink",
      types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
      config: { subscriptionDetail: { registrationId } },
    },
  };
  if (op.release === "r3.1-rc.1") {
    bodies.createNotificationChannelSubscription = {
      protocol: "HTTP",
      sink: "https://127.0.0.1:9443/sink",
      types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
      config: { subscriptionDetail: { deviceId } },
    };
    bodies.updateNotificationChannelSubscription = {
      config: { subscriptionExpireTime: "2100-01-01T00:00:00Z" },
    };
  }
  if (op.release === "r3.1-rc.1" && op.operationId === "createSession") {
    bodies.createSession = {
      originatorAddress: "tel:+34600000001",
      receiverAddress: "tel:+34600000009",
      offer: { sdp: "v=0" },
    };
  }
  const headers: Record<string, string> = {};
  if (op.parameters.some((p) => p.in === "header" && p.name === "registrationId")) {
    headers.registrationId = registrationId;
  }
  if (!op.requestBody) return { headers };
  const body = bodies[op.operationId];
  assert.ok(body !== undefined, `no schema-valid body known for ${op.operationId}`);
  return { body, headers };
}

const fill = (fullPath: string) => fullPath.replace(/\{[^}]+\}/g, () => `missing-${randomUUID()}`);

/** The whole ErrorInfo of an error response, and its x-correlator. */
async function errorInfo(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ["code", "message", "status"], `${what}: ${text}`);
  assert.equal(body.status, res.status, `${what}: ${text}`);
  assert.ok(typeof body.message === "string" && /\S+\s+\S+/.test(body.message), `${what}: ${text}`);
  const correlator = res.headers.get("x-correlator");
  assert.ok(correlator && XCORRELATOR.test(correlator), `${what}: no x-correlator`);
  return body;
}

describe("routing from the operation manifests", () => {
  before(async () => {
    gw = await startTestGateway();
    const res = await gw.request("POST", "/webrtc-registration/v0.3/sessions", { body: { deviceId } });
    assert.equal(res.status, 200);
    registrationId = String(((await res.json()) as { registrationId: string }).registrationId);
  });
  after(async () => {
    await gw.close();
  });

  for (const op of operations) {
    it(`routes ${op.method.toUpperCase()} ${op.fullPath} to ${op.release} ${op.operationId}, not to the 404/405 of an unknown route`, async () => {
      const { body, headers } = requestFor(op);
      const query = op.parameters.some((p) => p.in === "query" && p.name === "deviceId")
        ? `?deviceId=${randomUUID()}`
        : "";
      const res = await gw.request(op.method.toUpperCase(), `${fill(op.fullPath)}${query}`, {
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await res.text();
      const what = `${op.operationId}: ${res.status} ${text}`;
      assert.notEqual(res.status, 405, what);
      assert.ok(res.status < 500, what);
      if (res.status === 404) {
        assert.notEqual((JSON.parse(text) as { message?: string }).message, GENERIC_NOT_FOUND, what);
      }
      if (!op.fullPath.includes("{")) assert.ok(res.ok, `a valid request to a collection succeeds: ${what}`);
    });
  }

  it("counts every request by the release and operationId it was routed to in /metrics", async () => {
    const text = await (await gw.request("GET", "/metrics")).text();
    for (const op of operations) {
      const labels = `release="${op.release.replaceAll(".", "\\.")}",operation_id="${op.operationId}"`;
      assert.match(text, new RegExp(`camara_http_requests_total\\{${labels}`));
    }
  });

  for (const path of [
    "/nope",
    "/webrtc-registration/v0.3",
    "/webrtc-registration/v0.3/unknown",
    "/webrtc-registration/v9/sessions",
    "/webrtc-call-handling/v0.3/sessions/a/b/c",
    "/webrtc-events/v0.2/subscriptions/a/status",
    "/webrtc-registration/v0.4rc1",
    "/webrtc-registration/v0.4rc1/unknown",
    "/webrtc-call-handling/v0.4rc1/sessions/a/b/c",
  ]) {
    it(`answers an unknown path (${path}) with 404 NOT_FOUND ErrorInfo`, async () => {
      const res = await gw.request("GET", path);
      assert.equal(res.status, 404);
      assert.deepEqual(await errorInfo(res, path), {
        status: 404,
        code: "NOT_FOUND",
        message: GENERIC_NOT_FOUND,
      });
    });
  }

  const byPath = new Map<string, string[]>();
  for (const op of operations) {
    byPath.set(op.fullPath, [...(byPath.get(op.fullPath) ?? []), op.method.toUpperCase()].sort());
  }
  for (const [fullPath, allowed] of byPath) {
    for (const method of METHODS.filter((m) => !allowed.includes(m))) {
      it(`answers ${method} ${fullPath} with 405 METHOD_NOT_ALLOWED and Allow: ${allowed.join(", ")}`, async () => {
        const res = await gw.request(method, fill(fullPath), { token: null });
        const body = await errorInfo(res, `${method} ${fullPath}`);
        assert.equal(res.status, 405);
        assert.equal(body.code, "METHOD_NOT_ALLOWED");
        const allow = (res.headers.get("allow") ?? "").split(/,\s*/).sort();
        assert.deepEqual(allow, allowed);
      });
    }
  }

  it("answers /healthz with 200", async () => {
    const res = await gw.request("GET", "/healthz", { token: null });
    assert.equal(res.status, 200);
  });

  it("answers /readyz with 200 when the engine and the store are ready", async () => {
    const res = await gw.request("GET", "/readyz", { token: null });
    assert.equal(res.status, 200);
  });

  it("serves Prometheus metrics at /metrics including camara_http_requests_total", async () => {
    const res = await gw.request("GET", "/metrics", { token: null });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /camara_http_requests_total/);
  });
});
