import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadContract } from "../support/contract.ts";
import { createOpenApiValidator, toPointer } from "./ajv-openapi.ts";

const { validator } = loadContract();
const EVENTS = "webrtc-events";
const request = {
  protocol: "HTTP",
  sink: "https://sink.example.com/hooks",
  types: ["org.camaraproject.webrtc-events.v0.session-invitation"],
  config: { subscriptionDetail: { registrationId: "r-1" } },
};
const event = {
  id: "1",
  source: "urn:test",
  specversion: "1.0",
  time: "2030-01-01T00:00:00Z",
  type: "org.camaraproject.webrtc-events.v0.subscription-ended",
  data: { subscriptionId: "s-1", terminationReason: "SUBSCRIPTION_DELETED" },
};

describe("the OpenAPI validator of the suite", () => {
  it("accepts a SubscriptionRequest that complies", () => {
    assert.deepEqual(validator.validateAt(EVENTS, "#/components/schemas/SubscriptionRequest", request), []);
  });

  it("applies the discriminator mapping: ACCESSTOKEN requires the AccessTokenCredential fields", () => {
    const problems = validator.validateAt(EVENTS, "/components/schemas/SubscriptionRequest", {
      ...request,
      sinkCredential: { credentialType: "ACCESSTOKEN" },
    });
    assert.deepEqual(problems.map((p) => p.message).sort(), [
      "must have required property 'accessToken'",
      "must have required property 'accessTokenExpiresUtc'",
      "must have required property 'accessTokenType'",
    ]);
  });

  it("validates a CloudEvent as the schema its type maps to", () => {
    assert.deepEqual(validator.validateAt(EVENTS, "#/components/schemas/CloudEvent", event), []);
    const { terminationReason: _reason, ...data } = event.data;
    assert.deepEqual(validator.validateAt(EVENTS, "#/components/schemas/CloudEvent", { ...event, data }), [
      { at: "/data", message: "must have required property 'terminationReason'" },
    ]);
  });

  it("refuses a discriminator value the mapping does not name", () => {
    const problems = validator.validateAt(EVENTS, "#/components/schemas/CloudEvent", {
      ...event,
      type: "x.y",
    });
    assert.deepEqual(problems, [{ at: "/type", message: "must be equal to one of the allowed values" }]);
  });

  it("treats nullable: true as allowing null (OpenAPI 3.0)", () => {
    const own = createOpenApiValidator({
      t: { components: { schemas: { N: { type: "string", nullable: true } } } },
    });
    assert.deepEqual(own.validateAt("t", "#/components/schemas/N", null), []);
    assert.equal(own.validateAt("t", "#/components/schemas/N", 1).length, 1);
  });

  it("says which spec lacks a schema", () => {
    assert.throws(
      () => validator.validateAt(EVENTS, "#/components/schemas/Nope", {}),
      /webrtc-events spec has no schema/,
    );
  });

  it("normalises schema pointers written with or without #", () => {
    assert.equal(toPointer("/components/schemas/X"), "#/components/schemas/X");
    assert.equal(toPointer("#/components/schemas/X"), "#/components/schemas/X");
  });
});
