#!/usr/bin/env -S node --import tsx
/**
 * Writes docs/step-coverage.md (`--write`), or prints the phrases without a definition.
 *   node --import tsx conformance/vocabulary/write-step-coverage.ts --write
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../run/feature-sources.ts";
import { renderCoverage, stepCoverage } from "./step-coverage.ts";

const rows = await stepCoverage();
if (process.argv.includes("--write")) {
  writeFileSync(join(repoRoot, "docs", "step-coverage.md"), renderCoverage(rows));
}
for (const r of rows.filter((x) => x.definitions.length === 0))
  console.log(`undefined: ${r.source} ${r.phrase}`);
