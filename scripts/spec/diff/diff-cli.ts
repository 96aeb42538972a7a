import { Command, CommanderError, Option } from "commander";
import type { CliIo } from "../lint/lint-cli.ts";
import { diffSpecs } from "./diff-spec.ts";
import { countByClass, formatChangesJson, formatChangesText } from "./format-changes.ts";
import { loadSpec } from "./load-spec.ts";

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * `spec:diff <old> <new> [--format text|json]`. Exit code: 0 when no change is breaking, 1 when at
 * least one is, 2 on bad usage or an unreadable spec.
 */
export async function runDiffCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = new Command("spec:diff")
    .description(
      "Report the changes between two versions of an API, classed breaking, non-breaking or informational.\n" +
        "Exit code 1 when any change is breaking.",
    )
    .argument("<old>", "the earlier version (YAML or JSON)")
    .argument("<new>", "the later version (YAML or JSON)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const [oldFile = "", newFile = ""] = program.args;
  const { format } = program.opts<{ format: "text" | "json" }>();
  try {
    const changes = diffSpecs(await loadSpec(oldFile), await loadSpec(newFile));
    io.stdout(format === "json" ? formatChangesJson(changes) : formatChangesText(changes));
    return countByClass(changes).breaking > 0 ? 1 : 0;
  } catch (error) {
    io.stderr(`spec:diff: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
