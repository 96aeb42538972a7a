import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tsBanner } from "../../codegen/banner.ts";
import { type GenerateResult, generateAll } from "../../codegen/generate-all.ts";
import { readReleaseConfig } from "../../codegen/release-config.ts";
import { writeFiles } from "../../codegen/write-files.ts";
import type { ProjectLayout } from "./project-layout.ts";

/**
 * generated/current.ts: the project's release under a name that does not change with it, so that
 * handlers import `../../generated/current.ts` and an update shows up as type errors, not as
 * missing modules.
 */
function currentEntry(release: string): string {
  return [
    tsBanner(null),
    `// The release this project implements (api-definitions/apis.json): ${release}.`,
    `export * from "./${release}/index.ts";`,
    "",
  ].join("\n");
}

/** Generates the project's one release into generated/ (stale files removed). */
export async function generateProject(layout: ProjectLayout): Promise<GenerateResult> {
  const config = readReleaseConfig(layout.definitions);
  const release = config.releases.at(-1)?.release;
  if (!release || config.releases.length !== 1) {
    throw new Error(
      `${layout.definitions}/apis.json must list exactly one release (the one the project implements); it lists ${config.releases.length}.`,
    );
  }
  const result = await generateAll(layout.definitions, release, config);
  result.files.set("current.ts", currentEntry(release));
  writeFiles(layout.generated, result.files);
  // writeFiles deletes stale files; the folders of a release the project left go with them.
  for (const entry of readdirSync(layout.generated, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== release) {
      rmSync(join(layout.generated, entry.name), { recursive: true, force: true });
    }
  }
  return result;
}
