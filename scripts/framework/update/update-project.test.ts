import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fromRoot } from "../../lib/paths.ts";
import { generateProject } from "../project/generate-project.ts";
import { projectLayout } from "../project/project-layout.ts";
import { updateProject } from "./update-project.ts";

const fixtures = fromRoot("scripts", "codegen", "test", "fixtures");

/** A project on the fixture release v1 (demo-widgets with its two-action overlay), generated. */
async function fixtureProject(root: string) {
  const layout = projectLayout(join(root, "project"));
  cpSync(join(fixtures, "defs"), layout.definitions, { recursive: true });
  await generateProject(layout);
  return layout;
}

async function update(dir: string, from: string) {
  const lines: string[] = [];
  const code = await updateProject({
    dir,
    from,
    release: "v2",
    repository: "https://example.invalid/demo",
    tag: "v2",
    commit: "unknown",
    print: (line) => lines.push(line),
  });
  return { code, output: lines.join("\n") };
}

describe("camara-webrtc update", () => {
  const root = mkdtempSync(join(tmpdir(), "camara-webrtc-update-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("vendors the release, carries the overlays that still apply, regenerates and prints the changes", async () => {
    const layout = await fixtureProject(join(root, "ok"));
    const { code, output } = await update(layout.root, join(fixtures, "next-release"));
    assert.equal(code, 0, output);
    assert.match(
      output,
      /^Overlays: 2 of 2 actions of v1 still apply and were carried to api-definitions\/overlays\/v2\/\.$/m,
    );
    assert.match(output, /^Changes from v1 to v2:$/m);
    assert.match(output, /\+ operation updateWidget/);
    assert.ok(existsSync(join(layout.definitions, "overlays", "v2", "demo-widgets.overlay.yaml")));
    assert.match(
      readFileSync(join(layout.generated, "current.ts"), "utf8"),
      /export \* from "\.\/v2\/index\.ts";/,
    );
    assert.ok(!existsSync(join(layout.generated, "v1")), "the previous release's output is gone");
  });

  it("names the overlay actions that no longer match, and a release that does not generate gets its change report and the defect, not a stack trace", async () => {
    const layout = await fixtureProject(join(root, "broken"));
    const from = join(root, "broken-release");
    cpSync(join(fixtures, "next-release"), from, { recursive: true });
    const spec = join(from, "code", "API_definitions", "demo-widgets.yaml");
    const text = readFileSync(spec, "utf8");
    // Upstream fixed the colour pattern (overlay action 0 has nothing left to remove) and lost an operationId.
    writeFileSync(
      spec,
      text.replace(/ {10}pattern: colour\n/, "").replace(/ {6}operationId: updateWidget\n/, ""),
    );
    const before = readFileSync(join(layout.generated, "current.ts"), "utf8");
    const { code, output } = await update(layout.root, from);
    assert.equal(code, 1, output);
    assert.match(output, /^Overlays: 1 of 2 actions of v1 still apply/m);
    assert.match(
      output,
      /no longer matches: demo-widgets action 0 .*target \$\.components\.schemas\.WidgetRequest\.properties\.colour\.pattern/,
    );
    assert.match(output, /^Changes from v1 to v2 \(upstream specs, before overlays\):$/m);
    assert.match(
      output,
      /^v2 is vendored and listed in api-definitions\/apis\.json, but does not generate:$/m,
    );
    assert.match(output, /has no operationId/);
    assert.match(
      output,
      /with an overlay \(OpenAPI Overlay 1\.0\) in api-definitions\/overlays\/v2\/<api>\.overlay\.yaml/,
    );
    assert.doesNotMatch(output, /^\s+at /m);
    assert.equal(
      readFileSync(join(layout.generated, "current.ts"), "utf8"),
      before,
      "generated/ is left as it was",
    );
  });

  it("refuses a project that already implements the release", async () => {
    const layout = await fixtureProject(join(root, "same"));
    await assert.rejects(
      updateProject({
        dir: layout.root,
        from: join(fixtures, "next-release"),
        release: "v1",
        repository: "r",
        tag: "v1",
        commit: "unknown",
        print: () => {},
      }),
      { name: "UsageError", message: "the project already implements v1." },
    );
  });
});
