#!/usr/bin/env -S node --import tsx
/**
 * `npm run spec:report [-- --check] [--release <name>]`: regenerates docs/spec-report-<release>.md
 * for every release of api-definitions/apis.json (the lint of the vendored release, its known
 * defects, and what the overlays fix) and docs/spec-diff-<previous>-<release>.md (the breaking
 * changes from the release listed before it). With --check, writes nothing and exits 1 when a
 * committed report is not current.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command } from "commander";
import { releaseNames } from "./codegen/release-config.ts";
import { fromRoot } from "./lib/paths.ts";
import { releaseDiffPath, renderReleaseDiff } from "./spec/diff/release-diff-report.ts";
import { displayPath } from "./spec/lint/run-spectral.ts";
import { renderSpecReport, specReportPath } from "./spec/lint/spec-report.ts";

const opts = new Command("spec:report")
  .option("--check", "exit 1 if a committed report is not current; write nothing")
  .option("--release <name>", "only this release (default: every release of apis.json)")
  .parse()
  .opts<{ check?: boolean; release?: string }>();

const releases = releaseNames(fromRoot("api-definitions"));
const documents: { file: string; render: () => Promise<string> }[] = [];
for (const release of opts.release ? [opts.release] : releases) {
  documents.push({ file: specReportPath(release), render: () => renderSpecReport(release) });
}
// The breaking-change report between each release and the one listed before it.
for (const [i, to] of releases.entries()) {
  const from = releases[i - 1];
  if (from && (!opts.release || opts.release === to)) {
    documents.push({ file: releaseDiffPath(from, to), render: () => renderReleaseDiff(from, to) });
  }
}
for (const { file, render } of documents) {
  const report = await render();
  const current = existsSync(file) && readFileSync(file, "utf8") === report;
  if (opts.check) {
    console.log(
      current
        ? `${displayPath(file)} is current`
        : `${displayPath(file)} is not current: run npm run spec:report`,
    );
    if (!current) process.exitCode = 1;
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, report);
    console.log(`${current ? "unchanged" : "wrote"} ${displayPath(file)}`);
  }
}
