import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromRoot } from "./paths.ts";

/** The strict compiler flags of the project (../../tsconfig.json), for compiling a throwaway folder. */
export const strictCompilerOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

export interface TscResult {
  ok: boolean;
  /** Diagnostics as printed by tsc (`file(line,col): error TSxxxx: message`). */
  diagnostics: string[];
}

/** Type-checks every .ts file under `dir` with the project's strict flags. */
export function typecheckFolder(dir: string): TscResult {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: strictCompilerOptions, include: ["**/*.ts"] }, null, 2),
  );
  const result = spawnSync(
    process.execPath,
    [fromRoot("node_modules/typescript/bin/tsc"), "-p", dir, "--pretty", "false"],
    {
      encoding: "utf8",
      cwd: dir,
    },
  );
  const diagnostics = `${result.stdout}${result.stderr}`.split("\n").filter((l) => l.includes("error TS"));
  return { ok: result.status === 0, diagnostics };
}
