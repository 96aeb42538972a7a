import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot, upstreamDir } from "./feature-sources.ts";
import { defectOf, loadKnownDefects } from "./known-defects.ts";

describe("conformance/known-defects.yaml", () => {
  const defects = loadKnownDefects(join(repoRoot, "conformance", "known-defects.yaml"));
  const upstreamTags = readdirSync(upstreamDir)
    .filter((f) => f.endsWith(".feature"))
    .flatMap((f) =>
      [...readFileSync(join(upstreamDir, f), "utf8").matchAll(/^\s*(@\S+)/gm)].map((m) => m[1]),
    );

  it("names upstream scenarios only, each once, with a reason and a spec location", () => {
    assert.ok(defects.length > 0);
    for (const d of defects) {
      assert.ok(upstreamTags.includes(d.tag), `${d.tag} is not a tag of an upstream feature`);
      assert.match(d.spec, /\.yaml:\d+/);
      assert.ok(d.reason.length > 40, `${d.tag}: say why`);
    }
  });

  it("finds the defect a scenario is listed under by its tags", () => {
    const [first] = defects;
    assert.equal(defectOf(defects, ["@other", first?.tag ?? ""]), first);
    assert.equal(defectOf(defects, ["@other"]), undefined);
  });
});
