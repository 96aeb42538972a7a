#!/usr/bin/env -S node --import tsx
/**
 * `npm run spec:update -- --from <CAMARA release folder> --release <name>`: vendors a release beside
 * the existing ones, adds it to api-definitions/apis.json, regenerates generated/ (every release,
 * side by side), and prints per API what changed since the last release listed.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { generateAll } from "./codegen/generate-all.ts";
import { discoverApis, type ReleaseConfig, readReleaseConfig } from "./codegen/release-config.ts";
import { writeFiles } from "./codegen/write-files.ts";
import { fromRoot } from "./lib/paths.ts";
import { releaseSummary } from "./spec/release-summary.ts";
import { vendorRelease } from "./spec/vendor-release.ts";

const opts = new Command("spec:update")
  .requiredOption("--from <dir>", "folder with a CAMARA release (API_definitions/ directly or under code/)")
  .requiredOption("--release <name>", "name of the release folder to create, e.g. r3.1")
  .option("--repository <url>", "source repository", "https://github.com/camaraproject/WebRTC")
  .option("--tag <tag>", "source tag or branch (default: the release name)")
  .option("--commit <sha>", "source commit", "unknown")
  .option("--definitions <dir>", "api-definitions folder", fromRoot("api-definitions"))
  .option("--out <dir>", "generated folder", fromRoot("generated"))
  .option("--no-activate", "vendor and summarise only; leave apis.json and generated/ as they are")
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
const previous = config.releases.at(-1)?.release ?? "";
const before = await generateAll(opts.definitions, previous);
let manifest: ReturnType<typeof vendorRelease>;
try {
  manifest = vendorRelease({
    from: opts.from,
    release: opts.release,
    definitionsDir: opts.definitions,
    repository: opts.repository,
    tag: opts.tag ?? opts.release,
    commit: opts.commit,
  });
} catch (error) {
  console.error(`spec:update: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const files = Object.keys(manifest.files);
console.log(
  `Vendored ${files.length} files into ${join(opts.definitions, "camara", opts.release)}` +
    ` (${files.filter((f) => f.startsWith("common/")).length} under common/, reached by relative $ref or shipped beside the APIs).\n`,
);
const listed: ReleaseConfig = {
  releases: [
    ...config.releases,
    { release: opts.release, apis: discoverApis(join(opts.definitions, "camara", opts.release)) },
  ],
};
if (opts.activate) writeFileSync(join(opts.definitions, "apis.json"), `${JSON.stringify(listed, null, 2)}\n`);

let after: Awaited<ReturnType<typeof generateAll>>;
try {
  after = await generateAll(opts.definitions, opts.release, listed);
} catch (error) {
  console.error(
    [
      `${opts.release} is vendored${opts.activate ? " and listed in apis.json" : ""}, but does not generate yet:`,
      `  ${error instanceof Error ? error.message : String(error)}`,
      `Fix the upstream defect with an overlay in ${join(opts.definitions, "overlays", opts.release)}/<api>.overlay.yaml`,
      "(OpenAPI Overlay 1.0; the r2.2 overlays show the usual fixes), then run `npm run generate`.",
    ].join("\n"),
  );
  process.exit(1);
}

console.log(`Changes from ${previous} to ${opts.release}:\n`);
process.stdout.write(releaseSummary(before, after));

const overlays = [...new Set(after.manifests.map((m) => m.name))].filter(
  (name) =>
    !after.files
      .get(`${opts.release}/${name}/types.ts`)
      ?.includes(`// Overlay: api-definitions/overlays/${opts.release}/`),
);
if (overlays.length > 0) {
  console.log(
    `\nNo overlays for ${opts.release} (${overlays.join(", ")}). The ${previous} overlays (api-definitions/overlays/${previous}/)` +
      ` fixed upstream defects; copy those still needed to api-definitions/overlays/${opts.release}/ and regenerate.`,
  );
}
if (opts.activate) {
  writeFiles(opts.out, (await generateAll(opts.definitions)).files);
  console.log(
    `\n${opts.release} is listed in apis.json beside ${config.releases.map((r) => r.release).join(", ")};` +
      ` generated/${opts.release}/ written. Code importing generated/${previous}/ is unchanged;`,
  );
  console.log(
    `move an implementation to generated/${opts.release}/ and \`npm run typecheck\` shows what no longer matches.`,
  );
}
