import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exceedsDepth } from "./json-depth.ts";

/** `levels` arrays, one inside the other, around `inner`. */
const nestedArrays = (levels: number, inner: unknown = 1): unknown => {
  let value = inner;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe("exceedsDepth", () => {
  const table: [string, { given: unknown; maxDepth: number; want: boolean }][] = [
    ["a string", { given: "x", maxDepth: 1, want: false }],
    ["null", { given: null, maxDepth: 1, want: false }],
    ["an empty object at the limit 1", { given: {}, maxDepth: 1, want: false }],
    ["an object holding an object, limit 1", { given: { a: {} }, maxDepth: 1, want: true }],
    [
      "an object holding strings only, limit 1",
      { given: { a: "x", b: [1].length }, maxDepth: 1, want: false },
    ],
    ["3 levels at the limit 3", { given: { a: { b: { c: 1 } } }, maxDepth: 3, want: false }],
    ["4 levels over the limit 3", { given: { a: { b: { c: {} } } }, maxDepth: 3, want: true }],
    ["arrays count as levels", { given: { a: [[1]] }, maxDepth: 2, want: true }],
    [
      "the deep branch is found beside shallow ones",
      { given: [1, { a: 1 }, [[[]]]], maxDepth: 3, want: true },
    ],
    ["32 levels at the limit 32", { given: nestedArrays(32), maxDepth: 32, want: false }],
    ["33 levels over the limit 32", { given: nestedArrays(33), maxDepth: 32, want: true }],
    ["200,000 levels (no stack overflow)", { given: nestedArrays(200_000), maxDepth: 32, want: true }],
  ];
  for (const [name, { given, maxDepth, want }] of table) {
    it(`${want ? "refuses" : "accepts"} ${name}`, () => assert.equal(exceedsDepth(given, maxDepth), want));
  }
});
