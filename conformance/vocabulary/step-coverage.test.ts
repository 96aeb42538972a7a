import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { repoRoot } from "../run/feature-sources.ts";
import { type PhraseCoverage, renderCoverage, stepCoverage } from "./step-coverage.ts";

describe("the Commonalities testing vocabulary (r4.2 guidelines and templates)", () => {
  let rows: PhraseCoverage[] = [];
  before(async () => {
    rows = await stepCoverage();
  });

  it("reads the phrases of the guidelines and of every template", () => {
    assert.ok(rows.length > 150, `only ${rows.length} phrases`);
    for (const file of [
      "API-Testing-Guidelines.md",
      "event-subscription-template.feature",
      "C01-device-errors.feature",
    ])
      assert.ok(
        rows.some((r) => r.source.startsWith(file)),
        file,
      );
    assert.ok(
      rows.some(
        (r) =>
          r.phrase === 'the response property "{json_path}" only exists if property "{json_path}" exists',
      ),
    );
  });

  it("defines every phrase exactly once", () => {
    assert.deepEqual(
      rows
        .filter((r) => r.definitions.length !== 1)
        .map((r) => `${r.source} ${r.phrase}: ${r.definitions.join(", ") || "undefined"}`),
      [],
    );
  });

  it("lists them in docs/step-coverage.md, up to date", () => {
    const doc = readFileSync(join(repoRoot, "docs", "step-coverage.md"), "utf8");
    assert.equal(
      doc,
      renderCoverage(rows),
      "regenerate: node --import tsx conformance/vocabulary/write-step-coverage.ts --write",
    );
  });
});
