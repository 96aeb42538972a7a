import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { annotateJunit } from "./annotate-junit.ts";
import type { ScenarioVerdict } from "./verdicts.ts";

describe("annotateJunit", () => {
  it("puts the defect and what was observed in the <skipped> message of that scenario only", () => {
    const dir = mkdtempSync(join(tmpdir(), "junit-"));
    const file = join(dir, "j.xml");
    writeFileSync(
      file,
      '<testsuite>\n  <testcase classname="F &amp; G" name="A">\n    <skipped/>\n  </testcase>\n  <testcase classname="F &amp; G" name="B">\n    <skipped/>\n  </testcase>\n</testsuite>\n',
    );
    const verdict = {
      feature: "F & G",
      name: "A",
      verdict: "upstream defect",
      detail: "got 404",
      defect: {
        file: "f.feature",
        name: "A",
        tag: "@t",
        step: "the response status code is 201",
        assertion: "got 404",
        reason: 'posts to "/sessions"',
        spec: "x.yaml:1",
      },
    } as unknown as ScenarioVerdict;
    annotateJunit(file, [verdict]);
    const xml = readFileSync(file, "utf8");
    rmSync(dir, { recursive: true });
    assert.match(
      xml,
      /name="A">\n {4}<skipped message="upstream defect @t: posts to &quot;\/sessions&quot; \(x\.yaml:1\) Observed: got 404"\/>/,
    );
    assert.match(xml, /name="B">\n {4}<skipped\/>/);
  });
});
