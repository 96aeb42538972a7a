#!/usr/bin/env -S node --import tsx
/**
 * Runs the suite against a Prism mock of the effective specs and prints the failing scenarios with
 * their reasons; `--write` stores them as conformance/prism-expected.yaml.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../run/feature-sources.ts";
import { mockFailures, renderExpected } from "./mock-failures.ts";
import { startPrismMock } from "./prism-mock.ts";
import { type CliRun, runCli } from "./run-cli.ts";

export const PRISM_EXPECTED = join(repoRoot, "conformance", "prism-expected.yaml");

/** The whole suite against a fresh Prism mock. */
export async function runAgainstPrism(): Promise<CliRun> {
  const mock = await startPrismMock();
  const reportDir = mkdtempSync(join(tmpdir(), "camara-prism-reports-"));
  try {
    return await runCli(
      ["--config", join(repoRoot, "conformance", "config", "prism.yaml"), "--target", mock.apiRoot],
      {},
      reportDir,
    );
  } finally {
    await mock.stop();
    rmSync(reportDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const run = await runAgainstPrism();
  const failures = mockFailures(run.verdicts);
  const passed = run.verdicts.filter((v) => v.verdict === "passed").length;
  const text = renderExpected(failures, passed, run.verdicts.length);
  if (process.argv.includes("--write")) writeFileSync(PRISM_EXPECTED, text);
  process.stdout.write(text);
}
