import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { type ISupportCodeLibrary, loadConfiguration, runCucumber } from "@cucumber/cucumber/api";
import type { TargetConfig } from "../config/target-config.ts";
import type { WorldParameters } from "../support/run-context.ts";
import { annotateJunit } from "./annotate-junit.ts";
import type { BasePathRule } from "./base-path-map.ts";
import { featureFiles, repoRoot, supportFiles } from "./feature-sources.ts";
import { type KnownDefect, loadKnownDefects } from "./known-defects.ts";
import { notServed } from "./not-served.ts";
import { suiteRelease } from "./suite-release.ts";
import { markdownTable, type RunSummary, summaryTable } from "./summary-table.ts";
import { type ScenarioVerdict, VerdictCollector } from "./verdicts.ts";

export const REPORT_KINDS = ["junit", "html", "json", "summary"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * Capabilities a target may lack; a scenario tagged `@<capability>` runs only when the target
 * configuration declares `supports.<capability>: true`.
 * - events: notifications reach a sink (needs `sink:`);
 * - sip: a test network behind the gateway (`testNetwork:`);
 * - rate-limit: the target answers 429 to a burst within a bounded number of requests;
 * - registration-limits: the target enforces a per-subscriber registration limit (asset
 *   `maxRegistrationsPerUser`);
 * - emergency-address: the target checks emergency addresses (asset `phoneNumberWithoutEmergencyAddress`).
 * - short-registrations: the target's minimum registration lifetime is 3 s or less (r3.1: a
 *   registration is seen to expire within the run);
 * - emergency-calls-off: the target places no emergency calls (r3.1: 501 CALLTYPE_EMERGENCY_NOT_SUPPORTED).
 */
export const CAPABILITY_TAGS = [
  "events",
  "sip",
  "rate-limit",
  "registration-limits",
  "emergency-address",
  "short-registrations",
  "emergency-calls-off",
] as const;

export interface RunOptions {
  readonly config: TargetConfig;
  /** Only these APIs' features (e.g. `webrtc-events`); default all. */
  readonly apis?: readonly string[];
  /** A cucumber tag expression further selecting scenarios. */
  readonly tags?: string;
  readonly reports?: readonly ReportKind[];
  /** Default `reports/` under the repository. */
  readonly reportDir?: string;
  /** Listed upstream defects count like other scenarios. */
  readonly strict?: boolean;
  /** Default the list of the configured release (conformance/known-defects[-<release>].yaml). */
  readonly knownDefectsFile?: string;
  /** Which feature sets to run; default both. */
  readonly sources?: readonly ("upstream" | "project")[];
  /**
   * Exactly these feature files, folders or globs instead of the built-in sets (`--features`):
   * absolute, or relative to the repository.
   */
  readonly featurePaths?: readonly string[];
  /** `--base-path` rules for paths the features name (e.g. `vwip` → the served version). */
  readonly basePaths?: readonly BasePathRule[];
  /** Skip the remaining scenarios once this many have failed (reported as skipped). */
  readonly stopAfterFailures?: number;
  /** Where progress goes; default process.stdout. */
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** Parse and match steps without sending anything (finds undefined steps). */
  readonly dryRun?: boolean;
}

export interface RunOutcome extends RunSummary {
  readonly exitCode: number;
  readonly summaryText: string;
  /** Known defects that matched no executed scenario (a stale list). */
  readonly unusedDefects: readonly KnownDefect[];
  readonly reportFiles: Readonly<Partial<Record<ReportKind, string>>>;
}

const REPORT_FILES: Record<Exclude<ReportKind, "summary">, string> = {
  junit: "conformance-junit.xml",
  html: "conformance.html",
  json: "conformance.json",
};

/**
 * The step library as loaded by the first run of this process: ES modules are imported once, so a
 * second run must be handed the library rather than import the step files again.
 */
let supportLibrary: ISupportCodeLibrary | undefined;

/**
 * Runs the selected features against the configured target with cucumber-js, writes the reports
 * and decides the exit code: 0 only when every selected scenario passed (listed upstream defects
 * aside, unless strict) and at least one ran.
 */
export async function runConformance(options: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const stdout = options.stdout ?? process.stdout;
  const reportDir = resolve(options.reportDir ?? join(repoRoot, "reports"));
  const release = suiteRelease(options.config.release);
  const knownDefects = loadKnownDefects(options.knownDefectsFile ?? release.knownDefectsFile);
  // A dry run executes nothing, so it checks the steps of every scenario, whatever the target lacks.
  const unsupported = options.dryRun
    ? []
    : CAPABILITY_TAGS.filter((tag) => options.config.supports[tag] !== true);
  const tagExpression = [options.tags ? `(${options.tags})` : "", ...unsupported.map((t) => `not @${t}`)]
    .filter(Boolean)
    .join(" and ");
  // APIs the target does not serve in this release: their features are left out, and counted
  // (a dry run still matches their steps).
  const notServedApis = options.dryRun ? [] : (options.config.notServed[release.release] ?? []);
  const allFiles = options.featurePaths
    ? [...options.featurePaths]
    : featureFiles({
        upstreamDir: release.upstreamDir,
        projectDir: release.projectDir,
        apis: options.apis,
        sources: options.sources,
      });
  const { paths, notServed: notServedCounts } = options.featurePaths
    ? { paths: allFiles, notServed: {} }
    : notServed(allFiles, notServedApis);
  const reports = options.reports ?? ["summary"];
  mkdirSync(reportDir, { recursive: true });
  const files: Partial<Record<ReportKind, string>> = {};
  for (const kind of reports) {
    files[kind] = join(reportDir, kind === "summary" ? "conformance-summary.txt" : REPORT_FILES[kind]);
  }
  const worldParameters: WorldParameters = {
    config: options.config,
    knownDefects,
    strictDefects: options.strict === true,
    basePaths: options.basePaths ?? [],
    ...(options.stopAfterFailures !== undefined ? { stopAfterFailures: options.stopAfterFailures } : {}),
  };
  const { runConfiguration } = await loadConfiguration({
    file: false,
    provided: {
      paths: [...paths],
      import: supportFiles(),
      tags: tagExpression,
      format: [
        "progress",
        ...reports.filter((k) => k !== "summary").map((k): [string, string] => [k, files[k] as string]),
      ],
      formatOptions: {
        junit: { suiteName: `CAMARA WebRTC ${release.release} conformance (${options.config.apiRoot})` },
      },
      worldParameters: worldParameters as unknown as Record<string, never>,
      // Undefined and pending steps fail a plain cucumber run; the verdicts below decide ours.
      strict: true,
      dryRun: options.dryRun === true,
      publish: false,
    },
  });
  const collector = new VerdictCollector(knownDefects, options.strict === true);
  const result = await runCucumber(
    { ...runConfiguration, support: supportLibrary ?? runConfiguration.support },
    { cwd: repoRoot, stdout, stderr: options.stderr ?? process.stderr, env: process.env },
    collector.onMessage,
  );
  supportLibrary = result.support;

  const verdicts = collector.verdicts();
  const deselected = Object.fromEntries(
    unsupported.map((tag) => [
      tag,
      collector.allScenarios().filter((s) => s.tags.includes(`@${tag}`)).length,
    ]),
  );
  const summary: RunSummary = {
    verdicts,
    deselected,
    notServed: notServedCounts,
    release: release.release,
    durationMs: performance.now() - started,
  };
  const summaryText = summaryTable(summary);
  if (files.summary) {
    writeFileSync(files.summary, summaryText);
    // The same verdicts, machine-readable (the tests of the suite read them).
    writeFileSync(files.summary.replace(/\.txt$/, ".json"), `${JSON.stringify(verdicts, null, 2)}\n`);
    writeFileSync(files.summary.replace(/\.txt$/, ".md"), markdownTable(verdicts));
  }
  if (files.junit) annotateJunit(files.junit, verdicts);
  stdout.write(`\n${summaryText}`);
  const matched = new Set(verdicts.map((v) => v.defect));
  // Only a full run of the upstream features can tell that a listed defect matches nothing.
  const fullUpstream =
    !options.featurePaths &&
    !options.tags &&
    !options.apis?.length &&
    (options.sources ?? ["upstream"]).includes("upstream");
  const unusedDefects = fullUpstream
    ? knownDefects.filter(
        (d) => !matched.has(d) && !notServedApis.some((api) => d.file.startsWith(`${api}-`)),
      )
    : [];
  // A dry run executes nothing: it fails only on steps that match no definition, or several.
  const broken = (v: ScenarioVerdict) => v.verdict === "undefined" || v.verdict === "ambiguous";
  const ok = options.dryRun ? !verdicts.some(broken) : verdicts.every((v) => !v.failing);
  const exitCode = verdicts.length > 0 && ok ? 0 : 1;
  if (verdicts.length === 0) stdout.write("No scenario was selected: the run proves nothing.\n");
  if (!release.projectDir && (options.sources ?? ["project"]).includes("project") && !options.featurePaths)
    stdout.write(`The project has no features written for ${release.release}: only the upstream ones run.\n`);
  return { ...summary, exitCode, summaryText, unusedDefects, reportFiles: files };
}

export type { ScenarioVerdict };
