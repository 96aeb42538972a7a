import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nodeTaggedId, taggedNode } from "./node-tagged-id.ts";

describe("node-tagged ids", () => {
  it("gives each resource a fresh UUID followed by the node's id, which taggedNode reads back", () => {
    const next = nodeTaggedId("node-1.eu");
    const [a, b] = [next(), next()];
    assert.match(a, /^[0-9a-f-]{36}\.node-1\.eu$/);
    assert.notEqual(a, b);
    assert.equal(taggedNode(a), "node-1.eu");
  });

  for (const [name, id] of [
    ["a plain UUID", "5f0c6d3e-8a4b-4c1d-9e2f-0123456789ab"],
    ["a tag with a slash", "5f0c6d3e-8a4b-4c1d-9e2f-0123456789ab.node/1"],
    ["no UUID before the tag", "x.node-1"],
  ] as const)
    it(`reads no node from ${name}`, () => assert.equal(taggedNode(id), undefined));
});
