import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Lab } from "../../scripts/lab/lab.ts";
import { placeCallCommand } from "../../scripts/lab/place-call.ts";
import { startGatewayLab } from "../../scripts/lab/start.ts";
import { startTestNetwork, type TestNetwork } from "../../scripts/lab/test-network.ts";
import { repoRoot } from "../run/feature-sources.ts";
import { type GatewayProcess, startGateway } from "./gateway-process.ts";
import { type CliRun, failures, runCli } from "./run-cli.ts";

/**
 * The @sip call flows (features/call-flows and the @sip notification scenarios) against the
 * project's gateway with ENGINE=sip, through the CLI a telco would use, over a real SIP test
 * network: the lab's Kamailio as registrar and proxy, long-lived SIPp callees per behaviour
 * (scripts/lab/test-network.ts) and a SIPp caller per incoming call (scripts/lab/place-call.ts).
 */

/** @sip scenarios in features/ (Examples rows counted): origination 8, termination 2, notifications 3. */
const SIP_SCENARIOS = 13;
/** The gateway's no-answer timer: NoAnswer comes from it and its CANCEL, well within the 40 s step. */
const INVITE_TIMEOUT_MS = 6000;

describe("camara-conformance @sip call flows against the project's gateway and a SIP test network", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "camara-conformance-sip-"));
  const reportDir = join(repoRoot, "reports", "conformance-sip");
  let lab: Lab | undefined;
  let network: TestNetwork | undefined;
  let gateway: GatewayProcess | undefined;
  let run: CliRun;

  before(async () => {
    const started = performance.now();
    const gatewayLab = await startGatewayLab({
      phoneNumbers: ["+34600000001", "+34600000002"],
      dataDir,
      transport: "tcp",
    });
    lab = gatewayLab.lab;
    network = await startTestNetwork(lab, { timeoutMs: 15 * 60_000 });
    gateway = await startGateway({
      ...gatewayLab.env,
      SIP_INVITE_TIMEOUT_MS: String(INVITE_TIMEOUT_MS),
      LOG_LEVEL: process.env.CONFORMANCE_SIP_LOG_LEVEL ?? "info",
    });
    run = await runCli(
      [
        "--config",
        join(repoRoot, "conformance", "config", "local.yaml"),
        "--tags",
        "@sip",
        "--report",
        "junit,summary",
      ],
      {
        API_ROOT: gateway.apiRoot,
        CONFORMANCE_SIP: "true",
        CONFORMANCE_EVENTS: "true",
        CONFORMANCE_SINK_PORT: String(gateway.sinkPort),
        CONFORMANCE_SINK_CERT: gateway.sinkCertFile,
        CONFORMANCE_SINK_KEY: gateway.sinkKeyFile,
        PLACE_INCOMING_CALL: placeCallCommand(lab),
      },
      reportDir,
    );
    console.log(
      `conformance @sip run: ${(run.durationMs / 1000).toFixed(1)} s for ${run.verdicts.length} scenarios ` +
        `(${((performance.now() - started) / 1000).toFixed(1)} s with the lab, test network and gateway start)`,
    );
  });

  after(async () => {
    await gateway?.stop();
    // The gateway's whole log beside the reports, for a look at a failed flow.
    if (gateway) {
      mkdirSync(reportDir, { recursive: true });
      writeFileSync(join(reportDir, "gateway.log"), gateway.logs.join("\n"));
    }
    const callees = (await network?.stop()) ?? [];
    // SIPp's own account of the test network when the run failed (the callees are lenient by
    // design: the verdicts are what counts).
    if (run?.status !== 0)
      for (const c of callees)
        if (c.errors) console.log(`${c.behaviour} (${c.number}):\n${c.errors.slice(-3000)}`);
    await lab?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** What went wrong, with the gateway's log tail, for assertion messages. */
  const diagnosis = () =>
    `${failures(run)}\n--- gateway log (tail) ---\n${gateway?.logs.join("\n").slice(-6000)}`;

  it("selects every @sip scenario of the features and skips none", () => {
    const sip = run.verdicts.filter((v) => v.tags.includes("@sip"));
    assert.equal(run.verdicts.length, sip.length, "a scenario without @sip was selected");
    assert.equal(sip.length, SIP_SCENARIOS, run.stdout.slice(-3000));
    assert.deepEqual(
      sip.filter((v) => v.verdict === "skipped").map((v) => v.name),
      [],
    );
  });

  it("passes each call flow: origination, termination and the notifications of a live call", () => {
    const notPassed = run.verdicts
      .filter((v) => v.verdict !== "passed")
      .map((v) => `${v.name}: ${v.verdict}`);
    assert.deepEqual(notPassed, [], diagnosis());
    assert.equal(run.status, 0, diagnosis());
  });

  it("covers the origination, termination and notification features", () => {
    const count = (file: string) => run.verdicts.filter((v) => v.uri.endsWith(file)).length;
    assert.deepEqual(
      {
        origination: count("call-flows-origination.feature"),
        termination: count("call-flows-termination.feature"),
        notifications: count("webrtc-events-notifications.feature"),
      },
      { origination: 8, termination: 2, notifications: 3 },
    );
  });
});
