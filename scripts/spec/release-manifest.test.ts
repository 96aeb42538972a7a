import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fromRoot } from "../lib/paths.ts";
import { verifyRelease } from "./release-manifest.ts";

const work = mkdtempSync(join(tmpdir(), "checksums-"));
after(() => rmSync(work, { recursive: true, force: true }));

describe("verifyRelease on a copy of the vendored r2.2", () => {
  const copy = (name: string) => {
    const dir = join(work, name);
    cpSync(fromRoot("api-definitions/camara/r2.2"), dir, { recursive: true });
    return dir;
  };

  it("finds nothing wrong with an untouched copy", () => {
    assert.deepEqual(verifyRelease(copy("clean")), []);
  });

  it("reports a modified upstream file", () => {
    const dir = copy("modified");
    appendFileSync(join(dir, "API_definitions/webrtc-events.yaml"), "\n# local edit\n");
    assert.deepEqual(
      verifyRelease(dir).map((p) => p.replace(/\(sha256 .*\)/, "(…)")),
      ["API_definitions/webrtc-events.yaml has been modified (…)"],
    );
  });

  it("reports a missing and an unlisted file", () => {
    const dir = copy("moved");
    unlinkSync(join(dir, "LICENSE"));
    writeFileSync(join(dir, "extra.yaml"), "x: 1\n");
    assert.deepEqual(verifyRelease(dir), [
      "LICENSE is listed in the manifest but missing",
      "extra.yaml is not listed in the manifest",
    ]);
  });
});
