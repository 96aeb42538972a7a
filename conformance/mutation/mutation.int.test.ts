import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadTargetConfig } from "../config/load-target-config.ts";
import type { TargetConfig } from "../config/target-config.ts";
import { repoRoot } from "../run/feature-sources.ts";
import { freeLoopbackPort, type GatewayProcess, startGateway } from "../test/gateway-process.ts";
import { FAULTS } from "./faults.ts";
import { type MutatingProxy, startMutatingProxy } from "./mutating-proxy.ts";
import { type FaultOutcome, failingScenarios, mutationReport, runMutations } from "./run-mutations.ts";

/**
 * The mutation tier: the whole suite against the project's gateway behind a proxy that injects one
 * fault at a time (conformance/mutation/faults.ts). Every fault must make at least one scenario
 * fail; the score, and which scenarios caught each fault, are printed and written to
 * reports/mutation-score.txt.
 */
describe("the conformance suite catches every injected fault", () => {
  let gateway: GatewayProcess;
  let proxy: MutatingProxy;
  let config: TargetConfig;
  let outcomes: FaultOutcome[] = [];
  const reportDir = join(repoRoot, "reports", "mutation");

  before(async () => {
    // Some 45 runs of the suite within minutes: the gateway's per-minute rate limit would answer 429.
    gateway = await startGateway({ RATE_LIMIT_PER_MINUTE: "0" });
    const sinkPort = await freeLoopbackPort();
    proxy = await startMutatingProxy({
      gateway: gateway.apiRoot,
      // The proxy is the sink the gateway calls (its allow-listed port, a certificate of its CA)…
      sinkFront: {
        port: gateway.sinkPort,
        cert: readFileSync(gateway.sinkCertFile, "utf8"),
        key: readFileSync(gateway.sinkKeyFile, "utf8"),
      },
      // …and hands notifications on to the suite's own sink.
      sinkTarget: () => `https://127.0.0.1:${sinkPort}`,
    });
    const loaded = loadTargetConfig(
      join(repoRoot, "conformance", "config", "local.yaml"),
      {},
      {
        ...process.env,
        API_ROOT: proxy.apiRoot,
        CONFORMANCE_EVENTS: "true",
        CONFORMANCE_SINK_PORT: String(sinkPort),
        CONFORMANCE_SINK_CERT: "",
        CONFORMANCE_SINK_KEY: "",
      },
    );
    const sink = loaded.sink;
    assert.ok(sink, "local.yaml has a sink");
    config = {
      ...loaded,
      sink: { ...sink, publicUrl: `https://127.0.0.1:${gateway.sinkPort}/notifications` },
    };
  });

  after(async () => {
    await proxy?.stop();
    await gateway?.stop();
  });

  it("passes every scenario through the proxy without a fault (the baseline)", async () => {
    const { failing, ran } = await failingScenarios(config, "not @sip", reportDir);
    assert.ok(ran > 200, `only ${ran} scenarios ran`);
    assert.deepEqual(
      failing.map((v) => `${v.uri}:${v.line} ${v.name}: ${v.detail}`),
      [],
    );
  });

  it(`catches each of the ${FAULTS.length} faults with at least one scenario`, async () => {
    const started = performance.now();
    outcomes = await runMutations(proxy, config, FAULTS, reportDir, (o) =>
      console.log(
        `${o.fault.name}: ${o.caughtBy.length} scenario(s) in ${(o.durationMs / 1000).toFixed(1)} s`,
      ),
    );
    const report = mutationReport(outcomes);
    console.log(`\n${report}mutation tier: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    writeFileSync(join(repoRoot, "reports", "mutation-score.txt"), report);
    assert.ok(FAULTS.length >= 40);
    assert.deepEqual(
      outcomes.filter((o) => o.caughtBy.length === 0).map((o) => o.fault.name),
      [],
    );
  });
});
