import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pathSegments, query, removeAtPath, setAtPath } from "./json-path.ts";

describe("JSONPath for steps", () => {
  it("reads with filters", () => {
    assert.deepEqual(query({ status: 400 }, "$.status"), [400]);
    assert.deepEqual(query([{ id: "a" }, { id: "b" }], "$[?(@.id == 'b')]"), [{ id: "b" }]);
    assert.deepEqual(query("text", "$.x"), []);
  });

  it("splits simple paths into segments", () => {
    assert.deepEqual(pathSegments("$.a.b[0]['c-d']"), ["a", "b", 0, "c-d"]);
    assert.throws(() => pathSegments("$..a"), /Only simple paths/);
  });

  it("sets a value, creating objects and arrays on the way", () => {
    assert.deepEqual(setAtPath({ a: 1 }, "$.config.subscriptionDetail.registrationId", "r"), {
      a: 1,
      config: { subscriptionDetail: { registrationId: "r" } },
    });
    assert.deepEqual(setAtPath(undefined, "$.types[0]", "t"), { types: ["t"] });
  });

  it("removes a property or an array item", () => {
    assert.deepEqual(removeAtPath({ a: { b: 1, c: 2 } }, "$.a.b"), { a: { c: 2 } });
    assert.deepEqual(removeAtPath({ a: [1, 2] }, "$.a[0]"), { a: [2] });
  });
});
