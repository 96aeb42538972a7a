import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fromRoot } from "./lib/paths.ts";
import { verifyRelease } from "./spec/release-manifest.ts";

const fixtures = fromRoot("scripts/codegen/test/fixtures");
const work = mkdtempSync(join(tmpdir(), "spec-update-"));
after(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", fromRoot("scripts/spec-update.ts"), ...args], {
    encoding: "utf8",
    cwd: fromRoot(),
  });
}

describe("spec:update", () => {
  cpSync(join(fixtures, "defs"), join(work, "defs"), { recursive: true });
  const result = run([
    "--from",
    join(fixtures, "next-release"),
    "--release",
    "v2",
    "--commit",
    "0123456789abcdef0123456789abcdef01234567",
    "--definitions",
    join(work, "defs"),
    "--out",
    join(work, "generated"),
  ]);

  it("prints per API the operations, parameters, bodies, responses and scopes that changed", () => {
    assert.equal(result.status, 0, result.stderr);
    const summary = result.stdout.slice(0, result.stdout.indexOf("\nNo overlays"));
    assert.equal(
      summary,
      [
        "Changes from v1 to v2:",
        "",
        "demo-widgets",
        "  ~ version 1.0.0 → 2.0.0",
        "  + operation updateWidget (PUT /demo-widgets/v1/widgets/{widgetId})",
        "  - operation deleteWidget (DELETE /demo-widgets/v1/widgets/{widgetId})",
        '  ~ createWidget: request body application/json: property "owner" added (required)',
        '  ~ createWidget: request body application/json: property "colour" schema changed',
        '  ~ createWidget: response 201 application/json: property "owner" added (required)',
        '  ~ createWidget: response 201 application/json: property "colour" schema changed',
        '  ~ getWidget: response 200 application/json: property "owner" added (required)',
        '  ~ getWidget: response 200 application/json: property "colour" schema changed',
        "  ~ getWidget: scopes changed: -demo-widgets:widgets:read +demo-widgets:widgets:read-all",
        "",
      ].join("\n"),
    );
  });

  it("vendors the release beside the old one with a manifest whose checksums verify", () => {
    assert.ok(existsSync(join(work, "defs/camara/v1/API_definitions/demo-widgets.yaml")));
    assert.deepEqual(verifyRelease(join(work, "defs/camara/v2")), []);
    const manifest = JSON.parse(readFileSync(join(work, "defs/camara/v2/manifest.json"), "utf8"));
    assert.equal(manifest.source.commit, "0123456789abcdef0123456789abcdef01234567");
    assert.equal(manifest.source.tag, "v2");
  });

  it("switches the active release and regenerates", () => {
    assert.equal(JSON.parse(readFileSync(join(work, "defs/apis.json"), "utf8")).activeRelease, "v2");
    assert.match(readFileSync(join(work, "generated/demo-widgets/handlers.ts"), "utf8"), /updateWidget\(/);
  });

  it("says that the old release's overlays were not carried over", () => {
    assert.match(result.stdout, /No overlays for v2/);
  });

  it("refuses to overwrite an already vendored release", () => {
    const again = run([
      "--from",
      join(fixtures, "next-release"),
      "--release",
      "v2",
      "--definitions",
      join(work, "defs"),
    ]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already exists; vendored releases are never overwritten/);
  });
});
