import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { FIXTURE, fixtureDoc } from "../test/lint-fixture.ts";
import { runLintCli } from "./lint-cli.ts";

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runLintCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

describe("npm run spec:lint", () => {
  let dir: string;
  let broken: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "spec-lint-"));
    const doc = fixtureDoc();
    doc.components.schemas.WidgetId.pattern = "uuid";
    delete doc.components.schemas.WidgetId.format;
    broken = join(dir, "demo-widgets.yaml");
    writeFileSync(broken, stringify(doc));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 and prints the totals when nothing is wrong", async () => {
    const { code, stdout } = await run(FIXTURE.spec, FIXTURE.createWidget, FIXTURE.getWidget);
    assert.equal(code, 0);
    assert.equal(stdout, "0 errors, 0 warnings, 0 infos, 0 hints\n");
  });

  it("prints file:line:column severity rule message and exits 1 on an error", async () => {
    const { code, stdout } = await run(broken);
    assert.equal(code, 1);
    const line = stdout.split("\n").find((l) => l.includes("camara-pattern-not-format"));
    assert.match(
      line ?? "",
      /^\/.*demo-widgets\.yaml:\d+:\d+ error camara-pattern-not-format pattern "uuid" is the name of a format/,
    );
  });

  it("writes JSON with a summary and the JSON pointer of each finding", async () => {
    const { code, stdout } = await run(broken, "--format", "json");
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as {
      summary: Record<string, number>;
      findings: { rule: string; pointer?: string }[];
    };
    assert.deepEqual(report.summary, { error: 4, warn: 0, info: 0, hint: 0 });
    // The UUIDs of the three examples no longer match the regular expression "uuid".
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.pointer]),
      [
        [
          "camara-example-valid",
          "/paths/~1widgets/post/responses/201/content/application~1json/examples/CREATED/value/widgetId",
        ],
        [
          "camara-example-valid",
          "/paths/~1widgets/post/callbacks/widgetEvents/{$request.body#~1sink}/post/requestBody/content/application~1json/examples/WIDGET_CREATED/value/widgetId",
        ],
        ["camara-example-valid", "/paths/~1widgets~1{widgetId}/get/parameters/1/example"],
        ["camara-pattern-not-format", "/components/schemas/WidgetId/pattern"],
      ],
    );
  });

  it("writes SARIF 2.1.0 to --output with rule descriptions from the ruleset", async () => {
    const out = join(dir, "lint.sarif");
    const { code, stdout } = await run(broken, "--format", "sarif", "--output", out);
    assert.equal(code, 1);
    assert.equal(stdout, `${out}: 4 errors, 0 warnings, 0 infos, 0 hints\n`);
    const sarif = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(sarif.version, "2.1.0");
    const run0 = sarif.runs[0];
    assert.equal(run0.tool.driver.name, "camara-spec-lint");
    const rule = run0.tool.driver.rules.find((r: { id: string }) => r.id === "camara-pattern-not-format");
    assert.equal(
      rule.shortDescription.text,
      "A `pattern` that is a format name (`pattern: uuid`) is a regular expression, not a format.",
    );
    const result = run0.results.find((r: { ruleId: string }) => r.ruleId === "camara-pattern-not-format");
    assert.equal(result.level, "error");
    assert.ok(result.locations[0].physicalLocation.region.startLine > 1);
    assert.match(
      result.locations[0].physicalLocation.artifactLocation.uri,
      /^file:\/\/\/.*\/demo-widgets\.yaml$/,
    );
  });

  it("exits 2 on an unknown format or an unknown kind of file", async () => {
    assert.equal((await run(FIXTURE.spec, "--format", "xml")).code, 2);
    const notSpec = await run(join(dir, "notes.txt"));
    assert.equal(notSpec.code, 2);
    assert.match(
      notSpec.stderr,
      /notes\.txt: not a spec \(\.yaml, \.yml, \.json\) or feature \(\.feature\) file/,
    );
  });

  it("refuses --effective for a spec that is not a vendored API", async () => {
    const { code, stderr } = await run(broken, "--effective");
    assert.equal(code, 2);
    assert.match(stderr, /--effective applies to the vendored APIs of the releases in apis.json only/);
  });
});
