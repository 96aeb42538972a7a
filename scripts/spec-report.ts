#!/usr/bin/env -S node --import tsx
/**
 * `npm run spec:report [-- --check]`: regenerates docs/spec-report-<release>.md (the lint of the
 * vendored active release, its known defects, and what the overlays fix). With --check, writes
 * nothing and exits 1 when the committed report is not current.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command } from "commander";
import { displayPath } from "./spec/lint/run-spectral.ts";
import { renderSpecReport, specReportPath } from "./spec/lint/spec-report.ts";

const opts = new Command("spec:report")
  .option("--check", "exit 1 if the committed report is not current; write nothing")
  .parse()
  .opts<{ check?: boolean }>();

const file = specReportPath();
const report = await renderSpecReport();
const current = existsSync(file) && readFileSync(file, "utf8") === report;
if (opts.check) {
  console.log(
    current
      ? `${displayPath(file)} is current`
      : `${displayPath(file)} is not current: run npm run spec:report`,
  );
  process.exitCode = current ? 0 : 1;
} else {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, report);
  console.log(`${current ? "unchanged" : "wrote"} ${displayPath(file)}`);
}
