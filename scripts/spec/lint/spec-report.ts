import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { releaseNames } from "../../codegen/release-config.ts";
import { fromRoot } from "../../lib/paths.ts";
import { referencedFiles } from "../relative-refs.ts";
import { countBySeverity, type Finding, type Severity } from "./finding.ts";
import { findingsOf, type KnownDefect, knownDefects } from "./known-defects.ts";
import { lint } from "./lint.ts";
import { DEFINITIONS_DIR, defaultFiles, readEffectiveInputs, readInputs } from "./lint-inputs.ts";
import { DEFAULT_RULESET } from "./load-ruleset.ts";
import { ruleDescriptions } from "./rule-descriptions.ts";
import { rulesetFor } from "./ruleset-for.ts";
import { displayPath } from "./run-spectral.ts";

/** Where the report of `release` (default: the first of apis.json) lives: docs/spec-report-<release>.md. */
export function specReportPath(release?: string, definitionsDir = DEFINITIONS_DIR): string {
  return fromRoot("docs", `spec-report-${release ?? releaseNames(definitionsDir)[0]}.md`);
}

/** Our checks that find defects (a spec that misleads clients or validators), not style. */
const DEFECT_CHECKS = [
  "camara-example-valid",
  "camara-example-undeclared-property",
  "camara-pattern-not-format",
  "camara-required-defined",
  "camara-discriminator-mapping",
  "camara-operation-id-unique",
];

/** Markdown-safe inline text. */
function md(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function where(f: Finding): string {
  return `\`${f.file}:${f.line}\``;
}

/** Distinct `name:line` locations, for the defects table. */
function shortWhere(findings: readonly Finding[]): string {
  return [...new Set(findings.map((f) => `\`${f.file.slice(f.file.lastIndexOf("/") + 1)}:${f.line}\``))].join(
    ", ",
  );
}

/** The same defect as it shows in the effective spec (generated/<release>/<api>/openapi.json). */
export function inEffective(defect: KnownDefect, release: string): KnownDefect {
  const api = /^(.*)\.ya?ml$/.exec(defect.file)?.[1];
  return api ? { ...defect, file: `generated/${release}/${api}/openapi.json` } : defect;
}

/** Identity of a finding across the vendored and effective runs: API, rule, pointer (or file and message). */
function identity(f: Finding): string {
  const api =
    /([^/]+)\.yaml$/.exec(f.file)?.[1] ?? /generated\/[^/]+\/([^/]+)\/openapi\.json$/.exec(f.file)?.[1];
  return api && f.pointer !== undefined
    ? `${api} ${f.rule} ${f.pointer}`
    : `${f.file} ${f.rule} ${f.message}`;
}

/** What happens to the Commonalities files a release keeps in common/ (since r3.1). */
function commonNote(release: string, definitionsDir: string, files: readonly string[]): string[] {
  const releaseDir = join(definitionsDir, "camara", release);
  const common = join(releaseDir, "common");
  if (!existsSync(common)) return [];
  const names = readdirSync(common).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith("."));
  const reached = referencedFiles(
    releaseDir,
    files.filter((f) => /\.ya?ml$/.test(f)),
  ).filter((f) => f.startsWith("common/"));
  return [
    "",
    `\`common/\` (${names.map((n) => `\`${n}\``).join(", ")}, synced from Commonalities) is vendored with the release and`,
    "linted only through the specs: its schemas enter an effective spec where an API `$ref`s them.",
    reached.length > 0
      ? `The APIs of ${release} refer to ${reached.map((r) => `\`${r}\``).join(", ")}.`
      : `No API of ${release} refers to it: each still carries its own copies of the common schemas.`,
  ];
}

/**
 * For a ruleset that extends the base one (Commonalities r4.x): each rule it adds or tightens, with
 * its findings in both runs, so that a rule the release passes shows as passing rather than not at all.
 */
function ownRulesSection(
  ruleset: string,
  rules: Map<string, string>,
  vendored: readonly Finding[],
  effective: readonly Finding[],
): string[] {
  if (ruleset === DEFAULT_RULESET) return [];
  const raw = parse(readFileSync(ruleset, "utf8")) as { rules?: Record<string, unknown> };
  const count = (findings: readonly Finding[], rule: string) =>
    findings.filter((f) => f.rule === rule).length;
  return [
    `## Rules of \`${displayPath(ruleset)}\``,
    "",
    "What this release is judged by on top of the base ruleset (its specs declare Commonalities r4.x); 0 means",
    "every API passes.",
    "",
    "| rule | what it checks | vendored | effective |",
    "|---|---|---|---|",
    ...Object.keys(raw.rules ?? {}).map(
      (rule) =>
        `| ${rule} | ${md(rules.get(rule) ?? rule)} | ${count(vendored, rule)} | ${count(effective, rule)} |`,
    ),
    "",
  ];
}

function summaryRow(name: string, findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return `| ${name} | ${c.error} | ${c.warn} | ${c.info} | ${c.hint} |`;
}

function listBySeverity(
  findings: readonly Finding[],
  severity: Severity,
  rules: Map<string, string>,
): string[] {
  const chosen = findings.filter((f) => f.severity === severity);
  const byRule = new Map<string, Finding[]>();
  for (const f of chosen) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  const out: string[] = [];
  for (const [rule, list] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`### ${rule} (${list.length})`, "", md(rules.get(rule) ?? rule), "");
    for (const f of list) out.push(`- ${where(f)} ${md(f.message)}`);
    out.push("");
  }
  return out.length > 0 ? out : ["None.", ""];
}

function countTable(
  findings: readonly Finding[],
  severities: Severity[],
  rules: Map<string, string>,
): string[] {
  const counts = new Map<string, number>();
  for (const f of findings.filter((x) => severities.includes(x.severity))) {
    const key = `${f.severity} ${f.rule}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) return ["None.", ""];
  return [
    "| severity | rule | count | what it checks |",
    "|---|---|---|---|",
    ...[...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => {
        const [severity, rule = ""] = key.split(" ");
        return `| ${severity} | ${rule} | ${n} | ${md(rules.get(rule) ?? rule)} |`;
      }),
    "",
  ];
}

/**
 * Renders the spec report of `release` (default: the first of apis.json): `npm run spec:lint` on the
 * vendored specs and features, the known upstream defects and where they were found, and what the
 * overlays fix (the same lint on the effective specs). Deterministic: same inputs, same bytes.
 */
export async function renderSpecReport(release?: string, definitionsDir = DEFINITIONS_DIR): Promise<string> {
  const name = release ?? releaseNames(definitionsDir)[0] ?? "";
  const files = defaultFiles(definitionsDir, name);
  const ruleset = rulesetFor(name, definitionsDir);
  const vendored = await lint(readInputs(files), ruleset);
  const effective = await lint(await readEffectiveInputs(files, definitionsDir, name), ruleset);
  const KNOWN_DEFECTS = knownDefects(name);
  const rules = ruleDescriptions(ruleset);
  const effectiveIds = new Set(effective.map(identity));
  const fixed = vendored.filter((f) => !effectiveIds.has(identity(f)));
  const vendoredIds = new Set(vendored.map(identity));
  const introduced = effective.filter(
    (f) => !vendoredIds.has(identity(f)) && f.rule !== "camara-effective-stale",
  );

  const lines = [
    `# Spec report: CAMARA WebRTC ${name}`,
    "",
    "Generated by `npm run spec:report` (scripts/spec-report.ts) from the same lint as `npm run spec:lint`; do",
    "not edit it by hand. scripts/spec/lint/spec-report.test.ts fails when it is not current.",
    "",
    `Inputs: \`api-definitions/camara/${name}/API_definitions/*.yaml\` and \`Test_definitions/*.feature\`,`,
    `linted with \`${displayPath(ruleset)}\` (CAMARA Commonalities Linting-rules.md, OWASP rules CAMARA`,
    'adopts, and our own checks), plus the feature cross-checks. "Effective" is the same lint of the specs with',
    "the overlays of `api-definitions/overlays/` applied (`npm run spec:lint -- --effective`); line numbers there",
    `point into \`generated/${name}/<api>/openapi.json\`.`,
    ...commonNote(name, definitionsDir, files),
    "",
    "## Summary",
    "",
    "| run | errors | warnings | infos | hints |",
    "|---|---|---|---|---|",
    summaryRow("vendored specs + features", vendored),
    summaryRow("effective specs (overlays) + features", effective),
    "",
    ...ownRulesSection(ruleset, rules, vendored, effective),
    "## Known upstream defects",
    "",
    "| # | defect | rule | found at (vendored) | after overlays |",
    "|---|---|---|---|---|",
    ...KNOWN_DEFECTS.map((d, i) => {
      const found = findingsOf(d, vendored);
      const left = findingsOf(inEffective(d, name), effective);
      const at = found.length > 0 ? shortWhere(found) : "**not found**";
      const after =
        d.file.endsWith(".feature") || d.rule.startsWith("camara-feature-")
          ? "unchanged (overlays change specs only)"
          : left.length === 0
            ? "fixed"
            : `still reported (${shortWhere(left)})`;
      return `| ${i + 1} | ${md(d.title)} | ${d.rule} | ${at} | ${after} |`;
    }),
    "",
    ...KNOWN_DEFECTS.flatMap((d, i) => [`${i + 1}. **${md(d.title)}.** ${md(d.detail)}`]),
    "",
    "## Errors (vendored)",
    "",
    ...listBySeverity(vendored, "error", rules),
    "## Warnings (vendored)",
    "",
    ...listBySeverity(vendored, "warn", rules),
    "## Infos and hints (vendored), by rule",
    "",
    ...countTable(vendored, ["info", "hint"], rules),
    "## What the overlays fix",
    "",
    "Vendored findings absent from the effective specs:",
    "",
    ...(fixed.length > 0 ? fixed.map((f) => `- ${where(f)} ${f.rule}: ${md(f.message)}`) : ["None."]),
    "",
    "Effective findings the vendored specs do not have:",
    "",
    ...(introduced.length > 0
      ? introduced.map((f) => `- ${where(f)} ${f.rule}: ${md(f.message)}`)
      : ["None."]),
    "",
    "## Defects left in the effective specs",
    "",
    "Findings of the checks that catch defects (not style) that remain after the overlays:",
    "",
    ...listBySeverity(
      effective.filter((f) => DEFECT_CHECKS.includes(f.rule)),
      "warn",
      rules,
    ),
    ...listBySeverity(
      effective.filter((f) => DEFECT_CHECKS.includes(f.rule)),
      "error",
      rules,
    ).filter((l) => l !== "None."),
  ];
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
