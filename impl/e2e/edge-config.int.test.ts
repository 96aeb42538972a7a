/**
 * Kamailio itself checks the SIP edge's configuration rendered from the shipped example settings
 * (every option set: advertised address, trunks over TLS, gateway nodes, allowed origins) and with
 * message tracing on: `kamailio -c` parses the script and loads every module. The e2e files run the
 * lab's rendering for real (impl/e2e/jssip-*.int.test.ts).
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/edge-config.int.test.ts
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseEdgeSettings, readEdgeSettings, readSubscribers } from "../../scripts/edge/edge-settings.ts";
import { renderEdge, writeEdge } from "../../scripts/edge/render-edge.ts";
import { fromRoot } from "../../scripts/lib/paths.ts";
import { requirePackages } from "../../scripts/setup/debian-packages.ts";

describe("the SIP edge's rendered configuration, checked by Kamailio", () => {
  requirePackages([
    "kamailio",
    "kamailio-websocket-modules",
    "kamailio-extra-modules",
    "kamailio-tls-modules",
  ]);
  const dir = mkdtempSync(join(tmpdir(), "camara-edge-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function check(name: string, raw: unknown): string {
    const out = join(dir, name);
    const settings = parseEdgeSettings(raw, fromRoot("deploy/kamailio"));
    const files = renderEdge(settings, readSubscribers(settings.subscribers.file), { outDir: out });
    writeEdge(files, out);
    const result = spawnSync("kamailio", ["-c", "-f", join(out, "kamailio.cfg")], { encoding: "utf8" });
    assert.equal(result.status, 0, `kamailio -c refused ${name}:\n${result.stderr}`);
    return result.stderr;
  }

  it("accepts the shipped example settings", () => {
    const { kamailio: _installed, ...example } = readEdgeSettings(
      fromRoot("deploy/kamailio/edge.example.json"),
    );
    const output = check("example", example);
    assert.match(output, /config file ok/);
  });

  it("accepts the example with message tracing and no optional listener", () => {
    const example = readEdgeSettings(fromRoot("deploy/kamailio/edge.example.json"));
    check("minimal", {
      ...example,
      listen: { address: "127.0.0.1", wssPort: 7443 },
      kamailio: { traceMessages: true },
    });
  });
});
