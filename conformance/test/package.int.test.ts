import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { packConformance } from "../../scripts/pack/conformance-pack.ts";
import type { ScenarioVerdict } from "../run/verdicts.ts";
import { type GatewayProcess, startGateway } from "./gateway-process.ts";
import { installPackage } from "./install-package.ts";

/** Runs `npx camara-conformance …` in `cwd`, as a telco would after installing the package. */
function npx(cwd: string, args: readonly string[]): Promise<{ status: number | null; output: string }> {
  const child = spawn("npx", ["camara-conformance", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  return new Promise((resolve) => child.once("exit", (status) => resolve({ status, output })));
}

/**
 * The suite installed alone (issue 17 item 7): `npm run conformance:pack`'s tarball installed in an
 * empty folder, run with `npx camara-conformance` against the project's gateway.
 */
describe("the camara-conformance package", () => {
  const work = mkdtempSync(join(tmpdir(), "camara-conformance-pack-"));
  const folder = mkdtempSync(join(tmpdir(), "camara-conformance-telco-"));
  let tarball: string;
  let gateway: GatewayProcess;

  before(async () => {
    tarball = packConformance(work);
    gateway = await startGateway();
  });

  after(async () => {
    await gateway?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it("holds the suite, the specs and the features, and no gateway and no tests", () => {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n");
    for (const needed of [
      "package/conformance/cli.ts",
      "package/conformance/steps/hooks.ts",
      "package/generated/r2.2/webrtc-events/openapi.json",
      "package/api-definitions/camara/r2.2/Test_definitions/webrtc-registration-createRegistration.feature",
      "package/generated/r3.1-rc.1/webrtc-registration/openapi.json",
      "package/api-definitions/camara/r3.1-rc.1/Test_definitions/webrtc-registration-createRegistration.feature",
      "package/features/checks/token-profiles.feature",
      "package/npm-shrinkwrap.json",
    ])
      assert.ok(files.includes(needed), `${needed} is missing`);
    const stray = files.filter((f) => /^package\/(impl|scripts|deploy)\/|\.test\.ts$|\/test\//.test(f));
    assert.deepEqual(stray, []);
  });

  it("installs from the tarball in an empty folder, from the npm cache alone", () => {
    const install = installPackage(folder, tarball);
    assert.equal(install.status, 0, install.output);
    assert.ok(existsSync(join(folder, "node_modules", ".bin", "camara-conformance")));
  });

  it("runs with npx camara-conformance --target … --config …: the registration scenarios, upstream and project, pass", async () => {
    const started = performance.now();
    const run = await npx(folder, [
      "--target",
      gateway.apiRoot,
      "--config",
      join("node_modules", "camara-conformance", "conformance", "config", "local.yaml"),
      "--api",
      "webrtc-registration",
      "--report",
      "summary,junit",
    ]);
    console.log(`packaged run: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(run.status, 0, run.output.slice(-3000));
    // The reports land in the caller's folder, not inside the installed package.
    const verdicts = JSON.parse(
      readFileSync(join(folder, "reports", "conformance-summary.json"), "utf8"),
    ) as ScenarioVerdict[];
    const passed = verdicts.filter((v) => v.verdict === "passed");
    assert.ok(
      passed.some((v) => v.uri.includes("Test_definitions/webrtc-registration-")),
      "no upstream scenario",
    );
    assert.ok(
      passed.some((v) => v.uri.startsWith("features/webrtc-registration/")),
      "no project scenario",
    );
    // The summary printed names the scenarios that passed, and counts them.
    assert.match(run.output, /^\s*passed\s+\| webrtc-registration-createRegistration\.feature:\d+/m);
    assert.match(run.output, new RegExp(`${verdicts.length} scenarios: ${passed.length} passed`));
    assert.ok(existsSync(join(folder, "reports", "conformance-junit.xml")), "no JUnit report");
  });

  it("checks r3.1-rc.1 as installed (--release r3.1-rc.1): its upstream and project registration scenarios, passed except listed defects", async () => {
    const run = await npx(folder, [
      "--target",
      gateway.apiRoot,
      "--config",
      join("node_modules", "camara-conformance", "conformance", "config", "local.yaml"),
      "--release",
      "r3.1-rc.1",
      "--api",
      "webrtc-registration",
      "--report-dir",
      "reports-r3.1",
    ]);
    assert.equal(run.status, 0, run.output.slice(-3000));
    const verdicts = JSON.parse(
      readFileSync(join(folder, "reports-r3.1", "conformance-summary.json"), "utf8"),
    ) as ScenarioVerdict[];
    assert.ok(verdicts.length > 0);
    const upstream = verdicts.filter((v) =>
      v.uri.includes("r3.1-rc.1/Test_definitions/webrtc-registration-"),
    );
    const project = verdicts.filter((v) => v.uri.includes("features/r3.1-rc.1/webrtc-registration/"));
    assert.equal(upstream.length + project.length, verdicts.length);
    assert.ok(upstream.length > 0 && project.length > 0);
    assert.ok(verdicts.some((v) => v.verdict === "passed"));
    assert.ok(verdicts.some((v) => v.verdict === "upstream defect"));
  });
});
