import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Lockfile, shrinkwrapFor } from "./shrinkwrap.ts";

const lock: Lockfile = {
  lockfileVersion: 3,
  packages: {
    "": { name: "repo", dependencies: { a: "^1", gateway: "^1" } },
    "node_modules/a": {
      version: "1.0.0",
      dependencies: { b: "^2" },
      optionalDependencies: { fsevents: "^2" },
    },
    "node_modules/a/node_modules/b": { version: "2.0.0", dependencies: { c: "^1" } },
    "node_modules/b": { version: "1.0.0" },
    "node_modules/c": { version: "1.0.0", peerDependencies: { a: "^1" } },
    "node_modules/gateway": { version: "1.0.0" },
  },
};

describe("shrinkwrapFor", () => {
  it("keeps the entries the package's dependencies reach, at their lock paths, nested ones first", () => {
    const wrap = shrinkwrapFor(lock, { name: "pkg", version: "0.1.0", dependencies: { a: "1.0.0" } });
    assert.deepEqual(Object.keys(wrap.packages), [
      "",
      "node_modules/a",
      "node_modules/a/node_modules/b",
      "node_modules/c",
    ]);
    assert.deepEqual(wrap.packages[""], { name: "pkg", version: "0.1.0", dependencies: { a: "1.0.0" } });
  });

  it("skips an optional dependency the lock does not hold, and fails on a required one", () => {
    assert.throws(
      () => shrinkwrapFor(lock, { name: "pkg", version: "0.1.0", dependencies: { missing: "1" } }),
      /package-lock.json has no missing reachable from "the root"/,
    );
  });
});
