import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { repoRoot } from "./feature-sources.ts";

/** The feature files to run, and how many scenarios were left out per API the target does not serve. */
export interface ServedSelection {
  readonly paths: readonly string[];
  readonly notServed: Readonly<Record<string, number>>;
}

/**
 * Leaves out the features of APIs the target does not serve (files named `{api}-…`, relative to the
 * repository), counting their scenarios so that the summary reports them rather than hiding them.
 */
export function notServed(files: readonly string[], apis: readonly string[]): ServedSelection {
  const apiOf = (f: string) => apis.find((api) => basename(f).startsWith(`${api}-`));
  const counts: Record<string, number> = {};
  for (const f of files) {
    const api = apiOf(f);
    if (api) counts[api] = (counts[api] ?? 0) + scenarioCount(join(repoRoot, f));
  }
  return { paths: files.filter((f) => !apiOf(f)), notServed: counts };
}

/** Scenarios of a feature file (each Examples row of an outline is one). */
export function scenarioCount(file: string): number {
  const text = readFileSync(file, "utf8");
  const plain = text.match(/^\s*Scenario:/gm)?.length ?? 0;
  const rows = [...text.matchAll(/^\s*Examples:[^\n]*\n\s*\|[^\n]*\n((?:[ \t]*\|[^\n]*\n?)*)/gm)];
  return plain + rows.reduce((n, m) => n + (m[1]?.trim().split("\n").length ?? 0), 0);
}
