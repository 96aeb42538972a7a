import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { applyOverlay, type OverlayDocument } from "../../codegen/apply-overlay.ts";
import { fromRoot } from "../../lib/paths.ts";
import { runDiffCli } from "./diff-cli.ts";
import { diffSpecs } from "./diff-spec.ts";
import { loadSpec } from "./load-spec.ts";

const R22 = fromRoot("api-definitions", "camara", "r2.2", "API_definitions");
const OVERLAY = fromRoot(
  "scripts",
  "spec",
  "test",
  "fixtures",
  "diff",
  "webrtc-events-breaking.overlay.yaml",
);

async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runDiffCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

describe("npm run spec:diff on r2.2", () => {
  let dir: string;
  let next: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "spec-diff-"));
    const vendored = parse(readFileSync(join(R22, "webrtc-events.yaml"), "utf8"));
    next = join(dir, "webrtc-events-next.yaml");
    writeFileSync(
      next,
      stringify(applyOverlay(vendored, parse(readFileSync(OVERLAY, "utf8")) as OverlayDocument, "next")),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const api of ["webrtc-registration", "webrtc-call-handling", "webrtc-events"]) {
    it(`reports nothing for ${api} against itself`, async () => {
      const file = join(R22, `${api}.yaml`);
      assert.deepEqual(diffSpecs(await loadSpec(file), await loadSpec(file)), []);
      assert.deepEqual(await cli(file, file), { code: 0, stdout: "No changes.\n", stderr: "" });
    });
  }

  it("reports exactly the removed operation, the new required property and the narrowed request enum as breaking", async () => {
    const { code, stdout } = await cli(join(R22, "webrtc-events.yaml"), next, "--format", "json");
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as {
      summary: Record<string, number>;
      changes: Record<string, string>[];
    };
    assert.deepEqual(
      report.changes.filter((c) => c.class === "breaking"),
      [
        {
          class: "breaking",
          kind: "operation-removed",
          location: "DELETE /subscriptions/{subscriptionId}",
          message: "operation deleteNotificationChannelSubscription removed",
        },
        {
          class: "breaking",
          kind: "request-required-property-added",
          location: "POST /subscriptions",
          message: "request body (application/json): subscriptionName: new required property",
        },
        {
          class: "breaking",
          kind: "request-enum-narrowed",
          location: "POST /subscriptions",
          message:
            'request body (application/json): types[]: enum narrowed: removed "org.camaraproject.webrtc-events.v0.registration-ends"',
        },
      ],
    );
    assert.equal(report.summary.breaking, 3);
  });

  it("prints text, one change per line, breaking first, then the totals", async () => {
    const { code, stdout } = await cli(join(R22, "webrtc-events.yaml"), next);
    assert.equal(code, 1);
    const lines = stdout.trimEnd().split("\n");
    assert.equal(
      lines[0],
      "BREAKING  DELETE /subscriptions/{subscriptionId}  operation deleteNotificationChannelSubscription removed  [operation-removed]",
    );
    assert.match(lines.at(-1) ?? "", /^3 breaking, \d+ non-breaking, \d+ informational$/);
  });

  it("exits 2 on a file that is not a spec, or a missing argument", async () => {
    const notSpec = join(dir, "not-a-spec.yaml");
    writeFileSync(notSpec, "hello: world\n");
    const { code, stderr } = await cli(join(R22, "webrtc-events.yaml"), notSpec);
    assert.equal(code, 2);
    assert.match(stderr, /not-a-spec\.yaml/);
    assert.equal((await cli(join(R22, "webrtc-events.yaml"))).code, 2);
  });
});
