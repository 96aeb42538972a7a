import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../run/feature-sources.ts";
import type { ScenarioVerdict } from "../run/verdicts.ts";

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** The verdicts the run wrote (conformance-summary.json under its report dir). */
  readonly verdicts: readonly ScenarioVerdict[];
}

/**
 * Runs `camara-conformance` (conformance/cli.ts) as a child process, as a telco would, without
 * blocking this process (a proxy under test may live in it).
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  reportDir: string,
): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "conformance", "cli.ts"), "--report-dir", reportDir, ...args],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => {
    child.once("exit", (status) => {
      let verdicts: ScenarioVerdict[] = [];
      try {
        verdicts = JSON.parse(
          readFileSync(join(reportDir, "conformance-summary.json"), "utf8"),
        ) as ScenarioVerdict[];
      } catch {
        // no summary: the run did not get that far; status and stderr say why
      }
      resolve({ status, stdout, stderr, durationMs: performance.now() - started, verdicts });
    });
  });
}

/** One line per scenario that made the run fail, for assertion messages. */
export function failures(run: CliRun): string {
  const lines = run.verdicts
    .filter((v) => v.failing)
    .map((v) => `${v.uri.split("/").at(-1)}:${v.line} ${v.name}: ${v.verdict}: ${v.detail}`);
  return lines.length > 0 ? lines.join("\n") : `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`;
}
