import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createSchemaValidator } from "camara-webrtc-runtime";
import {
  bodyMutations,
  documentedErrorCodes,
  flatten,
  maximalInstance,
  notMatching,
  OVERSIZED_BYTES,
} from "../../conformance/schema/schema-mutations.ts";
import { apis } from "../../generated/r2.2/index.ts";
import { loadContract, releaseContract } from "../load-contract.ts";

const { specs } = releaseContract(loadContract(), "r2.2");
const validator = createSchemaValidator(specs);
const SUBSCRIPTION_SEED = {
  protocol: "HTTP",
  sink: "https://127.0.0.1:9443/sink",
  types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
  config: { subscriptionDetail: { registrationId: "reg-1" } },
};
const bodied = apis.flatMap((api) =>
  api.operations.flatMap((op) => {
    const schema = op.requestBody?.content["application/json"];
    return schema ? [{ api: api.name, op, schema, spec: specs[api.name] ?? {} }] : [];
  }),
);
const seedOf = (operationId: string) =>
  operationId === "createNotificationChannelSubscription" ? SUBSCRIPTION_SEED : undefined;

describe("schema mutations", () => {
  it("builds a maximal instance of every request body schema that the schema accepts", () => {
    for (const { api, op, schema, spec } of bodied) {
      const instance = maximalInstance(spec, schema, seedOf(op.operationId));
      assert.equal(validator.validateSchema(api, schema, instance), null, op.operationId);
    }
  });

  it("follows allOf and discriminator mappings into the properties they add", () => {
    const events = specs["webrtc-events"] ?? {};
    const flat = flatten(events, { $ref: "#/components/schemas/SubscriptionRequest" }, SUBSCRIPTION_SEED);
    assert.ok("protocolSettings" in flat.properties, "HTTP maps to HTTPSubscriptionRequest");
    const credential = flatten(
      events,
      { $ref: "#/components/schemas/SinkCredential" },
      {
        credentialType: "ACCESSTOKEN",
      },
    );
    assert.deepEqual(credential.required.sort(), [
      "accessToken",
      "accessTokenExpiresUtc",
      "accessTokenType",
      "credentialType",
    ]);
  });

  it("makes every mutated body invalid for its schema, except oversized strings that only break the size limit", () => {
    for (const { api, op, schema, spec } of bodied) {
      for (const mutation of bodyMutations(spec, schema, seedOf(op.operationId))) {
        if (mutation.name.startsWith("oversized")) {
          assert.ok(JSON.stringify(mutation.body).length > OVERSIZED_BYTES, mutation.name);
          continue;
        }
        const errors = validator.validateSchema(api, schema, mutation.body);
        assert.notEqual(errors, null, `${op.operationId}: ${mutation.name} is accepted by the schema`);
      }
    }
  });

  it("mutates required, type, pattern, format, enum and array bounds at nested depths", () => {
    const events = specs["webrtc-events"] ?? {};
    const names = bodyMutations(
      events,
      { $ref: "#/components/schemas/SubscriptionRequest" },
      SUBSCRIPTION_SEED,
    ).map((m) => m.name);
    for (const expected of [
      "missing required property at body.config.subscriptionDetail.registrationId",
      "missing required property at body.sinkCredential.accessToken",
      "wrong JSON type (string) at body.config.subscriptionMaxEvents",
      'pattern violation ("not matching ✗") at body.sink',
      "format violation (uuid) at body.config.subscriptionDetail.deviceId",
      "enum violation at body.protocolSettings.method",
      "minItems violation (0 items) at body.types",
      "maxItems violation (2 items) at body.types",
      "minimum violation (0) at body.config.subscriptionMaxEvents",
    ]) {
      assert.ok(names.includes(expected), `missing case: ${expected}`);
    }
  });

  it("finds a string a pattern refuses", () => {
    assert.equal(notMatching("^[a-z]+$"), "not matching ✗");
    assert.equal(notMatching(".*"), undefined);
  });

  it("reads the documented error codes of a response through allOf", () => {
    const op = apis[0]?.operations.find((o) => o.operationId === "createRegistration");
    const codes = documentedErrorCodes(
      specs["webrtc-registration"] ?? {},
      op?.responses["403"]?.content["application/json"],
    );
    assert.ok(codes.includes("PERMISSION_DENIED") && codes.includes("INVALID_TOKEN_CONTEXT"));
    assert.deepEqual(documentedErrorCodes({}, undefined), []);
  });
});
