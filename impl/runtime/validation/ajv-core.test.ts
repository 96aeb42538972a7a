import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { createSchemaValidator } from "./ajv-core.ts";

const spec = (api: string) =>
  JSON.parse(readFileSync(new URL(`../../../generated/r2.2/${api}/openapi.json`, import.meta.url), "utf8"));
const validator = createSchemaValidator({
  "webrtc-events": spec("webrtc-events"),
  "webrtc-registration": spec("webrtc-registration"),
});
const credential = "#/components/schemas/SinkCredential";

describe("the shared ajv core on the r2.2 effective specs", () => {
  it("accepts a complete ACCESSTOKEN SinkCredential", () => {
    const ok = {
      credentialType: "ACCESSTOKEN",
      accessToken: "t",
      accessTokenExpiresUtc: "2030-01-01T00:00:00Z",
      accessTokenType: "bearer",
    };
    assert.equal(validator.validate("webrtc-events", credential, ok), null);
  });

  it("rejects an ACCESSTOKEN SinkCredential without accessToken through the discriminator mapping", () => {
    const errors = validator.validate("webrtc-events", credential, { credentialType: "ACCESSTOKEN" });
    assert.ok(
      errors?.some((e) => e.keyword === "required" && e.params.missingProperty === "accessToken"),
      JSON.stringify(errors),
    );
  });

  it("rejects the same credential nested in a SubscriptionRequest", () => {
    const request = {
      protocol: "HTTP",
      sink: "https://127.0.0.1:9443/sink",
      types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
      config: { subscriptionDetail: { registrationId: "r" } },
      sinkCredential: { credentialType: "ACCESSTOKEN" },
    };
    assert.notEqual(
      validator.validate("webrtc-events", "#/components/schemas/SubscriptionRequest", request),
      null,
    );
    const { sinkCredential: _, ...withoutCredential } = request;
    assert.equal(
      validator.validate("webrtc-events", "#/components/schemas/SubscriptionRequest", withoutCredential),
      null,
    );
  });

  it("checks formats (uuid deviceId after the overlay)", () => {
    const schema = "#/components/schemas/regSessionRequest";
    assert.equal(
      validator.validate("webrtc-registration", schema, { deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" }),
      null,
    );
    assert.notEqual(validator.validate("webrtc-registration", schema, { deviceId: "not-a-uuid" }), null);
  });

  it("follows discriminator mappings from an inline schema that references the discriminated schema", () => {
    const schema = { $ref: "#/components/schemas/SinkCredential" };
    const ok = {
      credentialType: "ACCESSTOKEN",
      accessToken: "t",
      accessTokenExpiresUtc: "2030-01-01T00:00:00Z",
      accessTokenType: "bearer",
    };
    assert.equal(validator.validateSchema("webrtc-events", schema, ok), null);
    assert.notEqual(
      validator.validateSchema("webrtc-events", schema, { credentialType: "ACCESSTOKEN" }),
      null,
    );
  });

  it("validates inline schemas whose $refs point into the spec", () => {
    const schema = { type: "array", items: { $ref: "#/components/schemas/SubscriptionEventType" } };
    assert.equal(
      validator.validateSchema("webrtc-events", schema, [
        "org.camaraproject.webrtc-events.v0.session-status",
      ]),
      null,
    );
    assert.notEqual(validator.validateSchema("webrtc-events", schema, ["nope"]), null);
  });

  it("validates a CloudEvent through the type discriminator (session-status needs data after the overlay)", () => {
    const event = {
      id: "1",
      source: "https://gw.example/x",
      type: "org.camaraproject.webrtc-events.v0.session-status",
      specversion: "1.0",
      time: "2026-01-01T00:00:00Z",
    };
    assert.notEqual(validator.validate("webrtc-events", "#/components/schemas/CloudEvent", event), null);
    const withData = { ...event, data: { mediaSessionId: "m", status: "Ringing" } };
    assert.equal(validator.validate("webrtc-events", "#/components/schemas/CloudEvent", withData), null);
  });
});
