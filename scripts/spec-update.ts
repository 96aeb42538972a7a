#!/usr/bin/env -S node --import tsx
/**
 * `npm run spec:update -- --from <CAMARA release folder> --release <name>`: vendors a release beside
 * the existing ones, makes it the active release, regenerates generated/, and prints per API what
 * changed. `npm run typecheck` then fails exactly at the handlers that no longer match.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { generateAll } from "./codegen/generate-all.ts";
import { readReleaseConfig } from "./codegen/release-config.ts";
import { writeFiles } from "./codegen/write-files.ts";
import { fromRoot } from "./lib/paths.ts";
import { releaseSummary } from "./spec/release-summary.ts";
import { vendorRelease } from "./spec/vendor-release.ts";

const opts = new Command("spec:update")
  .requiredOption("--from <dir>", "folder with a CAMARA release (API_definitions/ directly or under code/)")
  .requiredOption("--release <name>", "name of the release folder to create, e.g. r3.1")
  .option("--repository <url>", "source repository", "https://github.com/camaraproject/WebRTC")
  .option("--tag <tag>", "source tag (default: the release name)")
  .option("--commit <sha>", "source commit", "unknown")
  .option("--definitions <dir>", "api-definitions folder", fromRoot("api-definitions"))
  .option("--out <dir>", "generated folder", fromRoot("generated"))
  .option("--no-activate", "vendor and summarise only; keep the active release and generated/ as they are")
  .parse()
  .opts<{
    from: string;
    release: string;
    repository: string;
    tag?: string;
    commit: string;
    definitions: string;
    out: string;
    activate: boolean;
  }>();

const config = readReleaseConfig(opts.definitions);
const previous = config.activeRelease;
const before = await generateAll(opts.definitions, previous);
vendorRelease({
  from: opts.from,
  release: opts.release,
  definitionsDir: opts.definitions,
  repository: opts.repository,
  tag: opts.tag ?? opts.release,
  commit: opts.commit,
});
const after = await generateAll(opts.definitions, opts.release);

console.log(`Changes from ${previous} to ${opts.release}:\n`);
process.stdout.write(releaseSummary(before, after));

if (!existsSync(join(opts.definitions, "overlays", opts.release))) {
  console.log(
    `\nNo overlays for ${opts.release}. The ${previous} overlays (api-definitions/overlays/${previous}/) fixed upstream` +
      ` defects; copy those still needed to api-definitions/overlays/${opts.release}/ and regenerate.`,
  );
}
if (opts.activate) {
  const file = join(opts.definitions, "apis.json");
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...raw, activeRelease: opts.release }, null, 2)}\n`);
  writeFiles(opts.out, after.files);
  console.log(
    `\nActive release is now ${opts.release}; generated/ regenerated. Run \`npm run typecheck\` to see`,
  );
  console.log("the handlers that no longer match the contract.");
}
