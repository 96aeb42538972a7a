import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

let t: TestGateway;
before(async () => {
  t = await startTestGateway();
});
after(() => t.close());

describe("a path parameter left empty", () => {
  const table: [string, string, string][] = [
    ["GET", "/webrtc-events/v0.2/subscriptions/", "subscriptionId"],
    ["DELETE", "/webrtc-events/v0.2/subscriptions/", "subscriptionId"],
    ["PUT", "/webrtc-registration/v0.3/sessions/", "registrationId"],
    ["DELETE", "/webrtc-registration/v0.3/sessions/", "registrationId"],
    ["GET", "/webrtc-call-handling/v0.3/sessions/", "mediaSessionId"],
    ["PUT", "/webrtc-call-handling/v0.3/sessions//status", "mediaSessionId"],
  ];
  for (const [method, path, name] of table) {
    it(`answers ${method} ${path} with 400 INVALID_ARGUMENT naming ${name}`, async () => {
      const response = await t.request(method, path, method === "PUT" ? { body: { status: "Ringing" } } : {});
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), {
        status: 400,
        code: "INVALID_ARGUMENT",
        message: `Expected property is missing: ${name}`,
      });
    });
  }

  it("still serves the collection without a trailing slash", async () => {
    assert.equal((await t.request("GET", "/webrtc-events/v0.2/subscriptions")).status, 200);
  });
});

describe("createNotificationChannelSubscription with an empty object", () => {
  it("answers 400 INVALID_ARGUMENT, not a field-specific code, for missing properties", async () => {
    const response = await t.request("POST", "/webrtc-events/v0.2/subscriptions", { body: {} });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { code: string; status: number };
    assert.equal(body.code, "INVALID_ARGUMENT");
    assert.equal(body.status, 400);
  });
});
