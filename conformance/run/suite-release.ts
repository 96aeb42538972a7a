import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ApiManifest } from "../../generated/manifest-types.ts";
import * as r2_2 from "../../generated/r2.2/index.ts";
import * as r3_1_rc_1 from "../../generated/r3.1-rc.1/index.ts";
import { projectDirOf, repoRoot, upstreamDirOf } from "./feature-sources.ts";

/** The CAMARA releases the suite can check (`--release`), oldest first. */
export const SUITE_RELEASES = ["r2.2", "r3.1-rc.1"] as const;
export type SuiteRelease = (typeof SUITE_RELEASES)[number];

/** Without `--release` or a configured `release:`, the suite checks r2.2 (what every gateway served first). */
export const DEFAULT_RELEASE: SuiteRelease = "r2.2";

/** What one release brings to a run: its generated contract, upstream features and defect list. */
export interface SuiteReleaseFiles {
  readonly release: SuiteRelease;
  readonly apis: readonly ApiManifest[];
  /** Effective spec of each API, relative to generated/. */
  readonly effectiveSpecFiles: Readonly<Record<string, string>>;
  /** The vendored upstream Test_definitions of the release, run verbatim. */
  readonly upstreamDir: string;
  /**
   * The project's own features for the release (features/, or features/<release>/ after r2.2; their
   * paths name its base paths); absent: none yet, so only the upstream features run.
   */
  readonly projectDir: string | undefined;
  /** Its known upstream defects (conformance/known-defects.yaml for r2.2, known-defects-<release>.yaml after). */
  readonly knownDefectsFile: string;
}

const GENERATED: Record<
  SuiteRelease,
  { apis: readonly ApiManifest[]; effectiveSpecFiles: Record<string, string> }
> = {
  "r2.2": r2_2,
  "r3.1-rc.1": r3_1_rc_1,
};

export function isSuiteRelease(value: string): value is SuiteRelease {
  return (SUITE_RELEASES as readonly string[]).includes(value);
}

/** The files of a release; throws naming the known releases for any other. */
export function suiteRelease(release: string): SuiteReleaseFiles {
  if (!isSuiteRelease(release))
    throw new Error(`The suite has no release "${release}"; choose from ${SUITE_RELEASES.join(", ")}.`);
  const generated = GENERATED[release];
  const defects = join(repoRoot, "conformance", `known-defects-${release}.yaml`);
  return {
    release,
    apis: generated.apis,
    effectiveSpecFiles: generated.effectiveSpecFiles,
    upstreamDir: upstreamDirOf(release),
    projectDir: existsSync(projectDirOf(release)) ? projectDirOf(release) : undefined,
    knownDefectsFile: existsSync(defects) ? defects : join(repoRoot, "conformance", "known-defects.yaml"),
  };
}
