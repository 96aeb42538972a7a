import { writeFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { releaseNames } from "../../codegen/release-config.ts";
import { countBySeverity } from "./finding.ts";
import { FORMATS, type Format, formatFindings } from "./format-findings.ts";
import { lint } from "./lint.ts";
import { DEFINITIONS_DIR, defaultFiles, readEffectiveInputs, readInputs } from "./lint-inputs.ts";
import { DEFAULT_RULESET, R4_RULESET } from "./load-ruleset.ts";
import { ruleDescriptions } from "./rule-descriptions.ts";
import { rulesetFor } from "./ruleset-for.ts";
import { displayPath } from "./run-spectral.ts";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * `spec:lint [files...] [--format text|json|sarif] [--output file] [--effective] [--release name] [--ruleset file]`.
 * Returns the exit code: 0 without error findings, 1 with at least one, 2 on bad usage or a
 * failure of the linter itself.
 */
export async function runLintCli(
  argv: readonly string[],
  io: CliIo = processIo,
  /** Where the default files and apis.json are: a scaffolded project's api-definitions/ (camara-webrtc lint). */
  definitionsDir = DEFINITIONS_DIR,
): Promise<number> {
  const program = new Command("spec:lint")
    .description(
      "Lint OpenAPI specs with the CAMARA ruleset and cross-check Test_definitions features against them.\n" +
        "Default files: the vendored first release of apis.json, the one the gateway serves (API_definitions/*.yaml, Test_definitions/*.feature).",
    )
    .argument("[files...]", "spec (.yaml, .yml, .json) and feature (.feature) files")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .option("--output <file>", "write the report to a file instead of stdout")
    .option("--effective", "lint the effective specs (overlays applied) instead of the vendored YAML")
    .option("--release <name>", "lint this release of apis.json (default: the first)")
    .option(
      "--ruleset <file>",
      `Spectral ruleset (YAML); default ${displayPath(R4_RULESET)} for a release declaring Commonalities r4.x, else ${displayPath(DEFAULT_RULESET)}`,
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const opts = program.opts<{
    format: Format;
    output?: string;
    effective?: boolean;
    release?: string;
    ruleset?: string;
  }>();
  const args = program.args as string[];
  try {
    const release = opts.release ?? releaseNames(definitionsDir)[0] ?? "";
    const files = args.length > 0 ? args : defaultFiles(definitionsDir, release);
    const inputs = opts.effective
      ? await readEffectiveInputs(files, definitionsDir, release)
      : readInputs(files);
    const ruleset = opts.ruleset ?? (args.length > 0 ? DEFAULT_RULESET : rulesetFor(release, definitionsDir));
    const findings = await lint(inputs, ruleset);
    const report = formatFindings(findings, opts.format, ruleDescriptions(ruleset));
    if (opts.output) {
      writeFileSync(opts.output, report);
      const c = countBySeverity(findings);
      io.stdout(`${opts.output}: ${c.error} errors, ${c.warn} warnings, ${c.info} infos, ${c.hint} hints\n`);
    } else {
      io.stdout(report);
    }
    return countBySeverity(findings).error > 0 ? 1 : 0;
  } catch (error) {
    io.stderr(`spec:lint: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
