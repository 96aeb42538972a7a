import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "../run/feature-sources.ts";
import { type GatewayProcess, startGateway } from "./gateway-process.ts";
import { type Misbehaviour, startMisbehavingProxy } from "./misbehaving-proxy.ts";
import { failures, runCli } from "./run-cli.ts";

/**
 * The suite can fail: a gateway that breaks the contract in one small way — behind a proxy, the
 * real gateway untouched — makes the run fail, naming the broken rule.
 */
describe("camara-conformance catches a misbehaving gateway", () => {
  let gateway: GatewayProcess;
  let reportDir: string;

  before(async () => {
    gateway = await startGateway();
    reportDir = mkdtempSync(join(tmpdir(), "camara-conformance-reports-"));
  });

  after(async () => {
    await gateway?.stop();
    rmSync(reportDir, { recursive: true, force: true });
  });

  async function runThrough(misbehaviour: Misbehaviour, tags: string) {
    const proxy = await startMisbehavingProxy(gateway.apiRoot, misbehaviour);
    try {
      return await runCli(
        [
          "--config",
          join(repoRoot, "conformance", "config", "local.yaml"),
          "--source",
          "project",
          "--tags",
          tags,
        ],
        { API_ROOT: proxy.apiRoot },
        join(reportDir, misbehaviour),
      );
    } finally {
      await proxy.stop();
    }
  }

  const SCENARIOS = "@conformance_createRegistration_01_success or @conformance_createSession_01_success";

  it("passes through a proxy that does not misbehave (the control)", async () => {
    const run = await runThrough("none", SCENARIOS);
    assert.equal(run.status, 0, failures(run));
    assert.equal(run.verdicts.length, 2);
  });

  it("fails when the x-correlator header is not echoed", async () => {
    const run = await runThrough("drop-x-correlator", SCENARIOS);
    assert.equal(run.status, 1);
    const failed = run.verdicts.filter((v) => v.failing);
    assert.equal(failed.length, 2, failures(run));
    for (const v of failed) assert.match(v.detail, /response header x-correlator is undefined/);
  });

  it("fails when 201 Created is answered as 200 OK", async () => {
    const run = await runThrough("created-as-ok", "@conformance_createSession_01_success");
    assert.equal(run.status, 1);
    assert.match(run.verdicts[0]?.detail ?? "", /expected status 201, got 200/, failures(run));
  });

  it("fails when a required response property is missing", async () => {
    const run = await runThrough("drop-required-property", "@conformance_createRegistration_01_success");
    assert.equal(run.status, 1);
    assert.match(
      run.verdicts[0]?.detail ?? "",
      /must have required property 'registrationId'/,
      failures(run),
    );
  });
});
