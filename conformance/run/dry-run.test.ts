import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { loadTargetConfig } from "../config/load-target-config.ts";
import { repoRoot } from "./feature-sources.ts";
import { runConformance } from "./run-conformance.ts";

/** A dry run matches every step to a definition without sending anything. */
describe("the step library covers every feature", () => {
  const dir = mkdtempSync(join(tmpdir(), "camara-dry-run-"));
  const config = loadTargetConfig(join(repoRoot, "conformance", "config", "local.yaml"));
  const quiet = () =>
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("matches every step of the upstream r2.2 and project features to exactly one definition", async () => {
    const outcome = await runConformance({
      config,
      dryRun: true,
      reportDir: dir,
      stdout: quiet(),
      stderr: quiet(),
    });
    const broken = outcome.verdicts.filter((v) => v.verdict === "undefined" || v.verdict === "ambiguous");
    assert.deepEqual(
      broken.map((v) => `${v.uri}:${v.line} ${v.verdict}`),
      [],
    );
    assert.ok(outcome.verdicts.length >= 71 + 100, `only ${outcome.verdicts.length} scenarios`);
    // features/r3.1-rc.1/ is r3.1's: an r2.2 run leaves it out.
    assert.ok(outcome.verdicts.every((v) => !v.uri.startsWith("features/r3.1-rc.1/")));
    assert.equal(outcome.exitCode, 0);
  });

  it("matches every step of the upstream r3.1-rc.1 features, webrtc-events included, and of the project's r3.1 features", async () => {
    const outcome = await runConformance({
      config: { ...config, release: "r3.1-rc.1" },
      dryRun: true,
      reportDir: dir,
      stdout: quiet(),
      stderr: quiet(),
    });
    const broken = outcome.verdicts.filter((v) => v.verdict === "undefined" || v.verdict === "ambiguous");
    assert.deepEqual(
      broken.map((v) => `${v.uri}:${v.line} ${v.verdict}`),
      [],
    );
    const upstream = outcome.verdicts.filter((v) => v.uri.includes("r3.1-rc.1/Test_definitions"));
    assert.equal(upstream.length, 71);
    assert.ok(upstream.some((v) => v.uri.includes("/webrtc-events-")));
    // The rest are the project's r3.1 features only (features/r3.1-rc.1/), none of r2.2's.
    const project = outcome.verdicts.filter((v) => !upstream.includes(v));
    assert.ok(project.length >= 40, `only ${project.length} project scenarios`);
    assert.ok(project.every((v) => v.uri.startsWith("features/r3.1-rc.1/")));
  });

  it("matches every step of the CAMARA main-branch Test_definitions (a --features glob) too", async () => {
    const outcome = await runConformance({
      config,
      dryRun: true,
      featurePaths: [
        join(repoRoot, "conformance/test/fixtures/camara-webrtc-main/Test_definitions/*.feature"),
      ],
      reportDir: dir,
      stdout: quiet(),
      stderr: quiet(),
    });
    const broken = outcome.verdicts.filter((v) => v.verdict === "undefined" || v.verdict === "ambiguous");
    assert.deepEqual(
      broken.map((v) => `${v.uri}:${v.line} ${v.verdict}`),
      [],
    );
    assert.equal(outcome.verdicts.length, 71);
  });

  it("fails the run on an undefined step", async () => {
    const feature = join(dir, "undefined.feature");
    writeFileSync(
      feature,
      "Feature: undefined\n  Scenario: a step nobody defined\n    Given the gateway is made of cheese\n",
    );
    const outcome = await runConformance({
      config,
      dryRun: true,
      featurePaths: [feature],
      reportDir: dir,
      stdout: quiet(),
      stderr: quiet(),
    });
    assert.deepEqual(
      outcome.verdicts.map((v) => [v.name, v.verdict, v.failing]),
      [["a step nobody defined", "undefined", true]],
    );
    assert.equal(outcome.exitCode, 1);
  });
});
