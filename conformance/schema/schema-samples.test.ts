import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadContract } from "../support/contract.ts";
import { compliantSample, nonCompliantSample } from "./schema-samples.ts";
import { seededRandom } from "./seeded-random.ts";

const contract = loadContract();

describe("generated test data", () => {
  for (const api of contract.apis) {
    const schemas = Object.keys(
      (contract.spec(api.name) as { components: { schemas: Record<string, object> } }).components.schemas,
    );
    it(`complies with every component schema of ${api.name}, required properties or all`, () => {
      const context = contract.schemaContext(api.name);
      for (const name of schemas) {
        for (const properties of ["required", "all"] as const) {
          const schema = { $ref: `#/components/schemas/${name}` };
          const value = compliantSample(context, schema, seededRandom(name), { properties });
          assert.deepEqual(
            contract.validator.validate(api.name, schema, value),
            [],
            `${name} (${properties})`,
          );
        }
      }
    });
  }

  it("is the same for the same seed and differs for another", () => {
    const context = contract.schemaContext("webrtc-events");
    const schema = { $ref: "#/components/schemas/SubscriptionRequest" };
    const draw = (seed: string) =>
      compliantSample(context, schema, seededRandom(seed), { properties: "all" });
    assert.deepEqual(draw("a"), draw("a"));
    assert.notDeepEqual(draw("a"), draw("b"));
  });

  it("does not comply when asked not to", () => {
    for (const [api, name] of [
      ["webrtc-registration", "regSessionRequest"],
      ["webrtc-call-handling", "MediaSessionInformation"],
      ["webrtc-events", "SubscriptionRequest"],
    ] as const) {
      const schema = { $ref: `#/components/schemas/${name}` };
      const value = nonCompliantSample(contract.schemaContext(api), schema, seededRandom(name));
      assert.notDeepEqual(contract.validator.validate(api, schema, value), [], name);
    }
  });
});
