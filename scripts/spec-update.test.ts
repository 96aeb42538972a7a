import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { generateAll } from "./codegen/generate-all.ts";
import { fromRoot } from "./lib/paths.ts";
import { verifyRelease } from "./spec/release-manifest.ts";

const fixtures = fromRoot("scripts/codegen/test/fixtures");
const work = mkdtempSync(join(tmpdir(), "spec-update-"));
after(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

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
    const summary = result.stdout.slice(
      result.stdout.indexOf("Changes from"),
      result.stdout.indexOf("\nNo overlays"),
    );
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

  it("vendors common/ and every file a relative $ref reaches, byte for byte, in the upstream layout", () => {
    const manifest = JSON.parse(readFileSync(join(work, "defs/camara/v2/manifest.json"), "utf8"));
    assert.deepEqual(Object.keys(manifest.files), [
      "API_definitions/demo-widgets.yaml",
      "LICENSE",
      "common/CAMARA_common.yaml",
      "modules/correlator.yaml",
    ]);
    const upstream = join(fixtures, "next-release");
    for (const [file, upstreamFile] of [
      ["API_definitions/demo-widgets.yaml", "code/API_definitions/demo-widgets.yaml"],
      ["common/CAMARA_common.yaml", "code/common/CAMARA_common.yaml"],
      ["modules/correlator.yaml", "code/modules/correlator.yaml"],
      ["LICENSE", "LICENSE"],
    ] as const) {
      assert.equal(manifest.files[file], sha256(join(upstream, upstreamFile)), file);
    }
  });

  it("lists the release in apis.json after the old one and generates both side by side", () => {
    const config = JSON.parse(readFileSync(join(work, "defs/apis.json"), "utf8"));
    assert.deepEqual(config, {
      releases: [
        { release: "v1", apis: [{ name: "demo-widgets", file: "API_definitions/demo-widgets.yaml" }] },
        { release: "v2", apis: [{ name: "demo-widgets", file: "API_definitions/demo-widgets.yaml" }] },
      ],
    });
    assert.match(readFileSync(join(work, "generated/v2/demo-widgets/handlers.ts"), "utf8"), /updateWidget\(/);
    assert.match(readFileSync(join(work, "generated/v1/demo-widgets/handlers.ts"), "utf8"), /deleteWidget\(/);
  });

  it("bundles what the relative $refs reach into the effective spec and names those files in the banner", () => {
    const spec = JSON.parse(readFileSync(join(work, "generated/v2/demo-widgets/openapi.json"), "utf8"));
    assert.deepEqual(spec["x-generated"].slice(2), [
      "Source: api-definitions/camara/v2/API_definitions/demo-widgets.yaml",
      "Referenced: api-definitions/camara/v2/common/CAMARA_common.yaml",
      "Referenced: api-definitions/camara/v2/modules/correlator.yaml",
    ]);
    assert.deepEqual(Object.keys(spec.components.schemas).sort(), [
      "ErrorInfo",
      "Widget",
      "WidgetRequest",
      "XCorrelator",
    ]);
    assert.ok(!JSON.stringify(spec).includes(".yaml#"), "no $ref leaves the effective spec");
  });

  it("says that the old release's overlays were not carried over", () => {
    assert.match(result.stdout, /No overlays for v2/);
  });

  it("applies an overlay to what a relative $ref brought in (a defect of common/ is fixed by an overlay too)", async () => {
    const defs = join(work, "defs-overlay");
    cpSync(join(work, "defs"), defs, { recursive: true });
    mkdirSync(join(defs, "overlays/v2"), { recursive: true });
    writeFileSync(
      join(defs, "overlays/v2/demo-widgets.overlay.yaml"),
      [
        "overlay: 1.0.0",
        "info: { title: fix common, version: 1.0.0 }",
        "actions:",
        "  - target: $.components.schemas.ErrorInfo.properties.code",
        "    update: { maxLength: 96 }",
      ].join("\n"),
    );
    const { specs } = await generateAll(defs, "v2");
    const errorInfo = specs.get("v2/demo-widgets")?.components?.schemas?.ErrorInfo as {
      properties: { code: unknown };
    };
    assert.deepEqual(errorInfo.properties.code, { type: "string", maxLength: 96 });
  });

  it("refuses a release whose relative $ref leaves the release folder, and vendors nothing", () => {
    const from = join(work, "escaping");
    cpSync(join(fixtures, "next-release"), from, { recursive: true });
    const spec = join(from, "code/API_definitions/demo-widgets.yaml");
    writeFileSync(
      spec,
      readFileSync(spec, "utf8").replace("../common/CAMARA_common.yaml", "../../outside.yaml"),
    );
    const escaping = run(["--from", from, "--release", "v3", "--definitions", join(work, "defs")]);
    assert.notEqual(escaping.status, 0);
    assert.match(escaping.stderr, /\$ref \.\.\/\.\.\/outside\.yaml#\S+ leaves the release folder/);
    assert.ok(!existsSync(join(work, "defs/camara/v3")));
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
