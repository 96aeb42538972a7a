import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonEqual, parseJsonDocument, parseLiteral } from "./step-values.ts";

const fill = (t: string) => t.replace("{{x}}", "X");

describe("values written in steps", () => {
  const cases: [string, { literal: string; want: unknown }][] = [
    ["a quoted string", { literal: '"INVALID_ARGUMENT"', want: "INVALID_ARGUMENT" }],
    ["a number", { literal: "400", want: 400 }],
    ["a boolean", { literal: "true", want: true }],
    ["an object, filled", { literal: '{"a": "{{x}}"}', want: { a: "X" } }],
    ["the text {}", { literal: '"{}"', want: "{}" }],
    ["unquoted text", { literal: "tel:{{x}}", want: "tel:X" }],
  ];
  for (const [name, { literal, want }] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(parseLiteral(literal, fill), want));
  }

  it("reads a DocString as JSON and says when it is not", () => {
    assert.deepEqual(parseJsonDocument('{ "r": "{{x}}" }', fill), { r: "X" });
    assert.throws(() => parseJsonDocument("{ nope", fill), /The payload is not JSON/);
  });

  it("compares JSON regardless of key order", () => {
    assert.ok(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }));
    assert.ok(!jsonEqual({ a: 1 }, { a: "1" }));
    assert.ok(!jsonEqual([1, 2], { 0: 1, 1: 2 }));
  });
});
