import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ValidatorRouting } from "camara-webrtc-runtime";
import { startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

let t: TestGateway;
let routing: Record<string, ValidatorRouting>;
before(async () => {
  t = await startTestGateway();
  routing = t.gateway.app.locals.validatorRouting as Record<string, ValidatorRouting>;
});
after(() => t.close());
const fallbacks = () => Object.values(routing).reduce((n, r) => n + r.fallbacks(), 0);

describe("express-openapi-validator takes its routes from the gateway", () => {
  it("for each API of each release served, with the installed express-openapi-validator", () => {
    assert.deepEqual(Object.fromEntries(Object.entries(routing).map(([api, r]) => [api, r.installed])), {
      "r2.2/webrtc-registration": true,
      "r2.2/webrtc-call-handling": true,
      "r2.2/webrtc-events": true,
      "r3.1-rc.1/webrtc-call-handling": true,
      "r3.1-rc.1/webrtc-events": true,
      "r3.1-rc.1/webrtc-registration": true,
    });
  });

  it("validates what the gateway routed as before, without its own route lookup", async () => {
    const before = fallbacks();
    const empty = await t.request("POST", "/webrtc-events/v0.2/subscriptions", { body: {} });
    assert.equal(empty.status, 400);
    assert.equal(((await empty.json()) as { code: string }).code, "INVALID_ARGUMENT");
    const badStatus = await t.request("PUT", "/webrtc-call-handling/v0.3/sessions/x/status", {
      body: { status: "NotAStatus" },
    });
    assert.equal(badStatus.status, 400, "the body schema of the path with a parameter applied");
    const registered = await t.request("POST", "/webrtc-registration/v0.3/sessions", {
      body: { deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" },
    });
    assert.equal(registered.status, 200);
    const { registrationId } = (await registered.json()) as { registrationId: string };
    const deleted = await t.request("DELETE", `/webrtc-registration/v0.3/sessions/${registrationId}`);
    assert.equal(deleted.status, 204, "the path parameter reached the handler");
    assert.equal(fallbacks(), before);
  });

  it("leaves HEAD, which the specs do not document, to the validator's own lookup", async () => {
    const before = fallbacks();
    await t.request("HEAD", "/webrtc-events/v0.2/subscriptions");
    assert.equal(fallbacks(), before + 1);
  });
});
