import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "./feature-sources.ts";
import { defectOf, isExpectedFailure, loadKnownDefects } from "./known-defects.ts";
import { SUITE_RELEASES, suiteRelease } from "./suite-release.ts";

for (const release of SUITE_RELEASES) {
  const { knownDefectsFile, upstreamDir } = suiteRelease(release);
  describe(`the known upstream defects of ${release} (${relative(repoRoot, knownDefectsFile)})`, () => {
    const defects = loadKnownDefects(knownDefectsFile);
    const features = readdirSync(upstreamDir)
      .filter((f) => f.endsWith(".feature"))
      .map((f) => ({ file: f, text: readFileSync(join(upstreamDir, f), "utf8") }));

    it("names upstream scenarios (file, name, tag) and a step of theirs, each once, with a reason and a spec location", () => {
      assert.ok(defects.length > 0);
      for (const d of defects) {
        const feature = features.find((f) => f.file === d.file);
        assert.ok(feature, `${d.file} is not an upstream feature`);
        assert.match(
          feature.text,
          new RegExp(`Scenario:\\s*${d.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`, "m"),
        );
        if (d.tag) assert.ok(feature.text.includes(d.tag), `${d.tag} is not a tag of ${d.file}`);
        assert.ok(feature.text.includes(d.step), `${d.file} has no step "${d.step}"`);
        assert.match(d.spec, /\.yaml:\d+/);
        assert.ok(d.reason.length > 40, `${d.name}: say why`);
      }
    });
  });
}

it("gives r3.1-rc.1 a list of its own, not r2.2's", () => {
  assert.notEqual(suiteRelease("r3.1-rc.1").knownDefectsFile, suiteRelease("r2.2").knownDefectsFile);
  assert.match(suiteRelease("r3.1-rc.1").knownDefectsFile, /known-defects-r3\.1-rc\.1\.yaml$/);
});

describe("conformance/known-defects.yaml", () => {
  const defects = loadKnownDefects(join(repoRoot, "conformance", "known-defects.yaml"));

  it("finds the defect a scenario is listed under by file and name, or by its tag", () => {
    const [first] = defects;
    if (!first) throw new Error("no defect");
    assert.equal(defectOf(defects, { uri: `x/${first.file}`, name: first.name, tags: [] }), first);
    assert.equal(
      defectOf(defects, { uri: "x/renamed.feature", name: "renamed", tags: [first.tag ?? ""] }),
      first,
    );
    assert.equal(
      defectOf(defects, { uri: `x/${first.file}`, name: "another scenario", tags: ["@other"] }),
      undefined,
    );
  });

  it("expects the listed failure only: that step, that assertion", () => {
    const [first] = defects;
    if (!first) throw new Error("no defect");
    const created = defects.find((d) => d.name === "Create a new call session");
    assert.ok(created);
    assert.ok(isExpectedFailure(created, `${created.step} |`, "expected status 201, got 400: {}"));
    assert.ok(
      !isExpectedFailure(created, created.step, "expected status 201, got 404: base path not served"),
    );
    assert.ok(
      !isExpectedFailure(
        created,
        'the response header "x-correlator" has same value as the request header "x-correlator"',
        "expected status 201, got 400",
      ),
    );
  });
});
