#!/usr/bin/env -S node --import tsx
/**
 * `camara-conformance`: runs the CAMARA WebRTC conformance suite (a release's upstream Test_definitions
 * verbatim, plus the project's features) against any gateway over HTTP.
 *
 *   camara-conformance --config conformance/config/local.yaml --report junit,html,summary
 *   camara-conformance --release r3.1-rc.1 --config conformance/config/local.yaml
 *   camara-conformance --target https://api.example.com --config telco.yaml --api webrtc-events
 *
 * Exit code: 0 when every selected scenario passed; 1 when one did not (or none ran); 2 for a
 * usage or configuration error.
 */
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { loadTargetConfig, TargetConfigError } from "./config/load-target-config.ts";
import { fuzzReport, runFuzz } from "./fuzz/run-fuzz.ts";
import { type BasePathRule, parseBasePathRule } from "./run/base-path-map.ts";
import { repoRoot } from "./run/feature-sources.ts";
import { defectLabel } from "./run/known-defects.ts";
import { REPORT_KINDS, type ReportKind, runConformance } from "./run/run-conformance.ts";
import { SUITE_RELEASES } from "./run/suite-release.ts";

function reportList(value: string): ReportKind[] {
  const kinds = value
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  const bad = kinds.find((k) => !(REPORT_KINDS as readonly string[]).includes(k));
  if (bad)
    throw new InvalidArgumentError(`"${bad}" is not a report; choose from ${REPORT_KINDS.join(", ")}.`);
  return kinds as ReportKind[];
}

function apiList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean),
  ];
}

const program = new Command("camara-conformance")
  .description("Run the CAMARA WebRTC conformance suite against a gateway")
  .option(
    "--config <file>",
    "target configuration (YAML)",
    join(repoRoot, "conformance", "config", "local.yaml"),
  )
  .option("--target <apiRoot>", "API root of the gateway; overrides apiRoot of the configuration")
  .option(
    "--release <release>",
    `CAMARA release to check: ${SUITE_RELEASES.join(" or ")}; overrides release of the configuration (default r2.2)`,
    (value: string) => {
      if (!(SUITE_RELEASES as readonly string[]).includes(value))
        throw new InvalidArgumentError(`choose from ${SUITE_RELEASES.join(", ")}.`);
      return value;
    },
  )
  .option("--api <name>", "only this API's features (repeatable or comma-separated)", apiList)
  .option("--tags <expression>", 'cucumber tag expression selecting scenarios, e.g. "not @sip"')
  .option("--report <kinds>", `reports to write under --report-dir: ${REPORT_KINDS.join(",")}`, reportList, [
    "summary",
  ])
  .option("--report-dir <dir>", "where reports go (default: reports/ in the current folder)", "reports")
  .option("--strict", "count listed upstream defects like any other scenario", false)
  .option("--source <which>", "upstream, project or both", "both")
  .option(
    "--features <paths...>",
    "run these feature files, folders or globs (e.g. a draft, or the CAMARA main branch's Test_definitions) instead of the built-in ones",
  )
  .option(
    "--base-path <rule>",
    "rewrite paths the features name: FROM=TO (vwip=v0.3, or /webrtc-events/vwip=/webrtc-events/v0.2), or FROM alone for the version the target serves (repeatable)",
    (value: string, previous: BasePathRule[] = []) => {
      try {
        return [...previous, parseBasePathRule(value)];
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    },
  )
  .option(
    "--fuzz <n>",
    "after the scenarios, send n schema-derived invalid request bodies per operation; any 5xx or undocumented status or code fails the run",
    (value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1)
        throw new InvalidArgumentError("--fuzz takes a whole number of requests, 1 or more.");
      return n;
    },
  )
  .option("--dry-run", "match every step without sending requests (finds undefined steps)", false)
  .showHelpAfterError();

const opts = program.parse().opts<{
  config: string;
  target?: string;
  release?: string;
  api?: string[];
  tags?: string;
  report: ReportKind[];
  reportDir: string;
  strict: boolean;
  source: string;
  dryRun: boolean;
  features?: string[];
  fuzz?: number;
  basePath?: BasePathRule[];
}>();

if (!["upstream", "project", "both"].includes(opts.source)) {
  program.error(`--source must be upstream, project or both (got ${opts.source}).`, { exitCode: 2 });
}

try {
  const config = loadTargetConfig(opts.config, {
    ...(opts.target ? { apiRoot: opts.target } : {}),
    ...(opts.release ? { release: opts.release } : {}),
  });
  const outcome = await runConformance({
    config,
    ...(opts.api ? { apis: opts.api } : {}),
    ...(opts.tags ? { tags: opts.tags } : {}),
    reports: opts.report,
    reportDir: opts.reportDir,
    strict: opts.strict,
    sources: opts.source === "both" ? ["upstream", "project"] : [opts.source as "upstream" | "project"],
    dryRun: opts.dryRun,
    // Paths as the user typed them, from where they typed them (cucumber expands the globs).
    ...(opts.features ? { featurePaths: opts.features.map((p) => resolve(process.cwd(), p)) } : {}),
    ...(opts.basePath ? { basePaths: opts.basePath } : {}),
  });
  for (const [kind, file] of Object.entries(outcome.reportFiles)) console.log(`${kind} report: ${file}`);
  for (const defect of outcome.unusedDefects)
    console.log(`note: known defect ${defectLabel(defect)} matched no scenario run`);
  for (const v of outcome.verdicts.filter((x) => x.verdict === "upstream defect (passed)"))
    console.log(`note: ${v.uri}:${v.line} "${v.name}" is listed as an upstream defect but passed`);
  process.exitCode = outcome.exitCode;
  if (opts.fuzz !== undefined && !opts.dryRun) {
    const rows = await runFuzz(config, opts.fuzz);
    console.log(`\n${fuzzReport(rows)}`);
    if (rows.some((r) => r.findings.length > 0)) process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof TargetConfigError) {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
}
