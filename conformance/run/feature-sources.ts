import { readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder holding conformance/ and features/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The upstream Test_definitions of a release, run verbatim. */
export function upstreamDirOf(release: string): string {
  return join(repoRoot, "api-definitions", "camara", release, "Test_definitions");
}
/** The project's own features, one folder per API: r2.2's at the top, a later release's in `features/<release>/`. */
export const projectDir = join(repoRoot, "features");

/** A folder of features written for one later release (`features/r3.1-rc.1/`). */
const RELEASE_FOLDER = /^r\d+\.\d+/;

/** The project's features written for a release. */
export function projectDirOf(release: string): string {
  return release === "r2.2" ? projectDir : join(projectDir, release);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      // The top of features/ is r2.2's: the folders of later releases are theirs alone.
      if (e.isDirectory())
        return dir === projectDir && RELEASE_FOLDER.test(e.name) ? [] : walk(join(dir, e.name));
      return e.name.endsWith(".feature") ? [join(dir, e.name)] : [];
    })
    .sort();
}

/**
 * Feature files to run, relative to the repository root. Upstream files are named
 * `{api}-{operationId}.feature` and project features live in `features/{api}/`, so `apis` selects
 * by that prefix.
 */
export function featureFiles(options: {
  /** The release's upstream Test_definitions folder. */
  upstreamDir: string;
  /** The project's features written for the release; absent: none. */
  projectDir: string | undefined;
  apis?: readonly string[] | undefined;
  sources?: readonly ("upstream" | "project")[] | undefined;
}): string[] {
  const sources = options.sources ?? ["upstream", "project"];
  const files = [
    ...(sources.includes("upstream") ? walk(options.upstreamDir) : []),
    ...(sources.includes("project") && options.projectDir ? walk(options.projectDir) : []),
  ].map((f) => relative(repoRoot, f));
  const apis = options.apis;
  if (!apis || apis.length === 0) return files;
  return files.filter((f) =>
    apis.some((api) => f.split("/").some((part) => part === api || part.startsWith(`${api}-`))),
  );
}

/** The step library and hooks cucumber loads. */
export function supportFiles(): string[] {
  const dir = join(repoRoot, "conformance", "steps");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort()
    .map((f) => relative(repoRoot, join(dir, f)));
}
