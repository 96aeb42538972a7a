import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLocator } from "./locate.ts";

describe("createLocator", () => {
  it("gives the line and column of object keys and array items in YAML", () => {
    const locate = createLocator("a:\n  b:\n    - x\n    - y: 1\n");
    assert.deepEqual(locate(["a", "b"]), { line: 2, column: 3 });
    assert.deepEqual(locate(["a", "b", 1]), { line: 4, column: 7 });
    assert.deepEqual(locate(["a", "b", 1, "y"]), { line: 4, column: 7 });
  });

  it("works on JSON, and stops at the deepest node of a path that leaves the document", () => {
    const locate = createLocator('{\n  "paths": {\n    "/s": {}\n  }\n}\n');
    assert.deepEqual(locate(["paths", "/s"]), { line: 3, column: 5 });
    assert.deepEqual(locate(["paths", "/s", "get", "responses"]), { line: 3, column: 5 });
  });
});
