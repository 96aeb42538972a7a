/**
 * Kamailio itself checks the SIP edge's configuration rendered from the shipped example settings
 * (every option set: advertised address, trunks over TLS, probed gateway nodes, allowed origins), a
 * cluster of nodes in per-number mode and a minimal variant with message tracing: `kamailio -c`
 * parses the script and loads every module. The jssip-*.int.test.ts and edge-gateway-nodes files
 * run the lab's rendering for real.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/edge-config.int.test.ts
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkEdgeConfig } from "../../scripts/lab/edge.ts";
import { fromRoot } from "../../scripts/lib/paths.ts";

const EXAMPLE = fromRoot("deploy/kamailio/edge.example.json");

describe("the SIP edge's rendered configuration, checked by Kamailio", () => {
  const dir = mkdtempSync(join(tmpdir(), "camara-edge-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts the shipped example settings", () => {
    // kamailio.configDir names the operator's /etc folder; here the files stay where they are rendered.
    const { status, output } = checkEdgeConfig({
      settingsFile: EXAMPLE,
      overrides: { kamailio: { runDir: dir } },
      outDir: join(dir, "example"),
    });
    assert.equal(status, 0, output);
    assert.match(output, /config file ok/);
  });

  it("accepts a cluster of gateway nodes in per-number mode, probed and rerouted", () => {
    const outDir = join(dir, "per-number-cluster");
    const { status, output } = checkEdgeConfig({
      settingsFile: EXAMPLE,
      overrides: {
        gateway: {
          nodes: [
            "sip:gw@192.0.2.21:5060;transport=tcp",
            "sip:gw@192.0.2.22:5060;transport=tcp",
            "sip:gw@192.0.2.23:5070",
          ],
          probing: { intervalSec: 1, failuresToInactive: 3, repliesToActive: 1 },
        },
        kamailio: { runDir: dir },
      },
      outDir,
    });
    assert.equal(status, 0, output);
    const cfg = readFileSync(join(outDir, "kamailio.cfg"), "utf8");
    assert.match(cfg, /modparam\("dispatcher", "ds_probing_threshold", 3\)/);
    assert.match(cfg, /route\[GATEWAY_NODE\] \{/);
    assert.match(
      readFileSync(join(outDir, "dispatcher.list"), "utf8"),
      /^1 sip:gw@192\.0\.2\.23:5070;transport=udp$/m,
    );
  });

  it("accepts the example with message tracing and only the wss listener", () => {
    const { status, output } = checkEdgeConfig({
      settingsFile: EXAMPLE,
      overrides: { listen: { address: "127.0.0.1", wssPort: 7443 }, kamailio: { traceMessages: true } },
      outDir: join(dir, "minimal"),
    });
    assert.equal(status, 0, output);
  });
});
