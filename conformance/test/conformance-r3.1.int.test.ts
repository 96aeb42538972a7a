import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "../run/feature-sources.ts";
import { loadKnownDefects } from "../run/known-defects.ts";
import { suiteRelease } from "../run/suite-release.ts";
import { type GatewayProcess, startGateway } from "./gateway-process.ts";
import { type CliRun, failures, runCli } from "./run-cli.ts";

/**
 * `--release r3.1-rc.1`: the upstream r3.1-rc.1 Test_definitions verbatim and the project's r3.1
 * features (features/r3.1-rc.1/) against the project's gateway, which serves all three r3.1-rc.1 APIs
 * beside r2.2, with notifications delivered to the suite's sink. The gateway runs with an operator
 * minimum registration lifetime of 2 s and a sweep every second (a registration is seen to expire
 * within the run) and without emergency calls (501 CALLTYPE_EMERGENCY_NOT_SUPPORTED).
 */
describe("camara-conformance --release r3.1-rc.1 against the project's gateway", () => {
  const release = suiteRelease("r3.1-rc.1");
  const defects = loadKnownDefects(release.knownDefectsFile);
  let gateway: GatewayProcess;
  let run: CliRun;
  let env: Record<string, string>;

  before(async () => {
    gateway = await startGateway({
      REGISTRATION_TTL_MIN_SEC: "2",
      // An expired registration ends (registration-ends) within a second, not five.
      REGISTRATION_SWEEP_INTERVAL_MS: "1000",
      EMERGENCY_CALLS: "off",
    });
    env = {
      API_ROOT: gateway.apiRoot,
      CONFORMANCE_EVENTS: "true",
      CONFORMANCE_SINK_PORT: String(gateway.sinkPort),
      CONFORMANCE_SINK_CERT: gateway.sinkCertFile,
      CONFORMANCE_SINK_KEY: gateway.sinkKeyFile,
      CONFORMANCE_SHORT_REGISTRATIONS: "true",
      CONFORMANCE_EMERGENCY_CALLS_OFF: "true",
    };
    run = await runCli(
      ["--config", join(repoRoot, "conformance", "config", "local.yaml"), "--release", "r3.1-rc.1"],
      env,
      join(repoRoot, "reports", "r3.1-rc.1"),
    );
    console.log(`r3.1-rc.1 run: ${(run.durationMs / 1000).toFixed(1)} s, ${run.verdicts.length} scenarios`);
  });

  after(async () => {
    await gateway?.stop();
  });

  it("passes every scenario except the listed upstream defects (exit code 0)", () => {
    assert.equal(run.status, 0, failures(run));
  });

  it("runs every upstream r3.1-rc.1 scenario of the three APIs, none of them undefined, in under 30 s", () => {
    const upstream = run.verdicts.filter((v) => v.uri.includes("r3.1-rc.1/Test_definitions"));
    const files = readdirSync(release.upstreamDir).filter((f) => f.endsWith(".feature"));
    assert.deepEqual([...new Set(upstream.map((v) => v.uri.split("/").at(-1)))].sort(), files.sort());
    assert.equal(upstream.length, 71);
    const broken = run.verdicts.filter((v) => v.verdict === "undefined" || v.verdict === "ambiguous");
    assert.deepEqual(broken, []);
    assert.ok(run.durationMs < 30_000, `the run took ${(run.durationMs / 1000).toFixed(1)} s`);
    assert.doesNotMatch(run.stdout, /not selected: the target configuration declares notServed/);
  });

  it("runs the project's r3.1 features of every API, the r3.1-only capabilities included, all passing", () => {
    const project = run.verdicts.filter((v) => v.uri.startsWith("features/r3.1-rc.1/"));
    for (const api of ["webrtc-registration", "webrtc-call-handling", "webrtc-events"])
      assert.ok(
        project.some((v) => v.uri.includes(`/${api}/`)),
        `no project feature of ${api} ran`,
      );
    for (const v of project) assert.equal(v.verdict, "passed", `${v.name}: ${v.detail}`);
    for (const tag of ["@events", "@short-registrations", "@emergency-calls-off"])
      assert.ok(
        project.some((v) => v.tags.includes(tag)),
        `no scenario tagged ${tag} ran`,
      );
    // Only the r3.1 features: none of r2.2's (features/ outside features/r3.1-rc.1/) is selected.
    const outside = run.verdicts.filter(
      (v) => v.uri.startsWith("features/") && !v.uri.startsWith("features/r3.1-rc.1/"),
    );
    assert.deepEqual(outside, []);
  });

  it("fuzzes every r3.1 operation with a body, events included: no 5xx nor undocumented answer", async () => {
    // Schema-derived invalid bodies against the r3.1 schemas, after one scenario (the full run above
    // measures the scenarios alone).
    const fuzz = await runCli(
      [
        ...["--config", join(repoRoot, "conformance", "config", "local.yaml"), "--release", "r3.1-rc.1"],
        ...["--tags", "@conformance_r3.1_getRegistrationById_01_success", "--fuzz", "10"],
      ],
      env,
      join(repoRoot, "reports", "r3.1-rc.1-fuzz"),
    );
    assert.equal(fuzz.status, 0, failures(fuzz));
    for (const op of [
      "createSession",
      "updateSessionStatus",
      "createRegistration",
      "updateRegistrationById",
      "createNotificationChannelSubscription",
      "updateNotificationChannelSubscription",
    ])
      assert.match(fuzz.stdout, new RegExp(`${op}\\s+\\|\\s+\\d+ sent \\| ok`), op);
    assert.doesNotMatch(fuzz.stdout, /FAILED/);
  });

  it("checks each r3.1 API: most of its upstream scenarios pass outright", () => {
    for (const api of ["webrtc-registration", "webrtc-call-handling", "webrtc-events"]) {
      const of = run.verdicts.filter(
        (v) => v.uri.includes("Test_definitions/") && v.uri.split("/").at(-1)?.startsWith(`${api}-`),
      );
      const passed = of.filter((v) => v.verdict === "passed");
      assert.ok(passed.length > of.length / 2, `${api}: ${passed.length} of ${of.length} passed`);
    }
  });

  it("reports each listed defect as such, never as passed, and every listed defect matched", () => {
    const listed = run.verdicts.filter((v) => v.defect);
    for (const v of listed) assert.equal(v.verdict, "upstream defect", v.name);
    assert.doesNotMatch(run.stdout, /matched no scenario run/);
    assert.deepEqual(new Set(listed.map((v) => v.defect?.tag)), new Set(defects.map((d) => d.tag)));
  });
});
