import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { expandEnv } from "./config-reader.ts";
import type { TargetConfig } from "./target-config.ts";
import { readTargetConfig } from "./target-config-reader.ts";

export class TargetConfigError extends Error {
  override readonly name = "TargetConfigError";
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid target configuration ${file}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Reads a YAML target configuration; `${VAR}` and `${VAR:-default}` expand from `env`. */
export function loadTargetConfig(
  file: string,
  overrides: { apiRoot?: string; release?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): TargetConfig {
  if (!existsSync(file))
    throw new TargetConfigError(file, [
      `the file does not exist (relative to ${process.cwd()}); pass --config <file>, e.g. a copy of conformance/config/local.yaml`,
    ]);
  const raw = expandEnv(parse(readFileSync(file, "utf8")) as unknown, env);
  return parseTargetConfig(raw, file, overrides);
}

/** Validates a parsed configuration, collecting every problem with the key and the fix. */
export function parseTargetConfig(
  raw: unknown,
  file: string,
  overrides: { apiRoot?: string; release?: string } = {},
): TargetConfig {
  const problems: string[] = [];
  const config = readTargetConfig(raw, problems, overrides);
  if (problems.length > 0) throw new TargetConfigError(file, problems);
  return config;
}
