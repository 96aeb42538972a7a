import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fromRoot } from "../lib/paths.ts";
import { lockfileDrift } from "./lockfile-sync.ts";

const read = (file: string) => JSON.parse(readFileSync(fromRoot(file), "utf8"));

describe("package-lock.json", () => {
  it("records what package.json declares, so npm install leaves the tree clean", () => {
    assert.deepEqual(lockfileDrift(read("package.json"), read("package-lock.json")), []);
  });

  it("is found out of sync when a bin entry is missing from the lock", () => {
    const pkg = { name: "p", version: "1.0.0", bin: { a: "a.ts", b: "b.ts" } };
    const lock = {
      name: "p",
      version: "1.0.0",
      packages: { "": { name: "p", version: "1.0.0", bin: { a: "a.ts" } } },
    };
    assert.deepEqual(lockfileDrift(pkg, lock), ["bin"]);
  });

  it("is found out of sync when a dependency range differs, whatever the key order", () => {
    const pkg = { name: "p", version: "1.0.0", dependencies: { x: "^1.0.0", y: "^2.0.0" } };
    const same = { "": { name: "p", version: "1.0.0", dependencies: { y: "^2.0.0", x: "^1.0.0" } } };
    assert.deepEqual(lockfileDrift(pkg, { name: "p", version: "1.0.0", packages: same }), []);
    const other = { "": { name: "p", version: "1.0.0", dependencies: { y: "^2.0.0", x: "^1.1.0" } } };
    assert.deepEqual(lockfileDrift(pkg, { name: "p", version: "1.0.0", packages: other }), ["dependencies"]);
  });
});
