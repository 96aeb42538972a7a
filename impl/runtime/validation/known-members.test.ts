import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as r2_2 from "../../../generated/r2.2/index.ts";
import { loadContract } from "../contract.ts";
import { knownMembers } from "./known-members.ts";

const fixture = {
  components: {
    schemas: {
      Pet: {
        type: "object",
        properties: {
          name: { type: "string" },
          kind: { type: "string" },
          tags: { type: "array", items: { $ref: "#/components/schemas/Tag" } },
        },
        discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Cat" } },
      },
      Cat: {
        allOf: [
          { $ref: "#/components/schemas/Pet" },
          { type: "object", properties: { lives: { type: "integer" } } },
        ],
      },
      Tag: { type: "object", properties: { label: { type: "string" } } },
      Labels: { type: "object", additionalProperties: { type: "string" } },
      Open: { type: "object", properties: { a: { type: "string" } }, additionalProperties: true },
      FreeForm: { type: "object" },
    },
  },
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe("knownMembers", () => {
  const table: [string, { schema: object; given: unknown; want: unknown }][] = [
    [
      "drops an undeclared member",
      { schema: ref("Tag"), given: { label: "x", junk: 1 }, want: { label: "x" } },
    ],
    [
      "prunes array items by their schema",
      {
        schema: ref("Pet"),
        given: { name: "n", tags: [{ label: "a", junk: {} }, "s"] },
        want: { name: "n", tags: [{ label: "a" }, "s"] },
      },
    ],
    [
      "keeps the members of the schema a discriminator maps the value to",
      {
        schema: ref("Pet"),
        given: { kind: "cat", name: "n", lives: 9, junk: 1 },
        want: { kind: "cat", name: "n", lives: 9 },
      },
    ],
    [
      "ignores a mapped schema's members for another value",
      { schema: ref("Pet"), given: { kind: "dog", lives: 9 }, want: { kind: "dog" } },
    ],
    [
      "keeps every name of a map (additionalProperties with a schema)",
      { schema: ref("Labels"), given: { a: "1", "X-Any": "2" }, want: { a: "1", "X-Any": "2" } },
    ],
    [
      "keeps undeclared members where additionalProperties is true",
      { schema: ref("Open"), given: { a: "1", b: { c: 1 } }, want: { a: "1", b: { c: 1 } } },
    ],
    [
      "keeps a free-form object whole",
      { schema: ref("FreeForm"), given: { x: { y: 1 } }, want: { x: { y: 1 } } },
    ],
    [
      "keeps a member named __proto__ of a map as a member",
      {
        schema: ref("Labels"),
        given: JSON.parse('{"__proto__":"v"}'),
        want: JSON.parse('{"__proto__":"v"}'),
      },
    ],
    ["leaves a value that is not an object as it is", { schema: ref("Tag"), given: "text", want: "text" }],
  ];
  for (const [name, { schema, given, want }] of table) {
    it(name, () => {
      const got = knownMembers(fixture, schema, given);
      assert.deepEqual(got, want);
      assert.deepEqual(Object.keys(got as object), Object.keys(want as object));
    });
  }
});

describe("knownMembers on the r2.2 request bodies", () => {
  const { specs, apis } = loadContract(new URL("../../../generated/", import.meta.url), r2_2);
  const bodySchema = (operationId: string) => {
    const op = apis.flatMap((a) => a.operations).find((o) => o.operationId === operationId);
    const schema = op?.requestBody?.content["application/json"];
    assert.ok(op && schema, operationId);
    return { spec: specs[op.api] ?? {}, schema };
  };

  it("createNotificationChannelSubscription keeps the HTTP protocolSettings, the access-token credential and the header map", () => {
    const { spec, schema } = bodySchema("createNotificationChannelSubscription");
    const request = {
      protocol: "HTTP",
      sink: "https://sink.example.com/cb",
      types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
      config: { subscriptionDetail: { registrationId: "r1", junk: 1 }, initialEvent: true, junk: 2 },
      sinkCredential: {
        credentialType: "ACCESSTOKEN",
        accessToken: "t",
        accessTokenExpiresUtc: "2030-01-01T00:00:00Z",
        accessTokenType: "bearer",
        junk: 3,
      },
      protocolSettings: { method: "POST", headers: { "X-Tenant": "a" }, junk: 4 },
      junk: 5,
    };
    assert.deepEqual(knownMembers(spec, schema, request), {
      protocol: "HTTP",
      sink: "https://sink.example.com/cb",
      types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
      config: { subscriptionDetail: { registrationId: "r1" }, initialEvent: true },
      sinkCredential: {
        credentialType: "ACCESSTOKEN",
        accessToken: "t",
        accessTokenExpiresUtc: "2030-01-01T00:00:00Z",
        accessTokenType: "bearer",
      },
      protocolSettings: { method: "POST", headers: { "X-Tenant": "a" } },
    });
  });

  it("createSession keeps MediaSessionInformation's members and the offer's sdp", () => {
    const { spec, schema } = bodySchema("createSession");
    assert.deepEqual(
      knownMembers(spec, schema, {
        receiverAddress: "tel:+34600000009",
        offer: { sdp: "v=0", junk: 1 },
        junk: "x",
      }),
      { receiverAddress: "tel:+34600000009", offer: { sdp: "v=0" } },
    );
  });
});
