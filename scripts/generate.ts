#!/usr/bin/env -S node --import tsx
/**
 * `npm run generate [-- --out <dir>] [--definitions <dir>] [--release <name>]`: writes types,
 * operation manifests, typed handler interfaces and the effective spec of every API of every release
 * of api-definitions/apis.json to generated/<release>/<api>/.
 */
import { Command } from "commander";
import { generateAll } from "./codegen/generate-all.ts";
import { writeFiles } from "./codegen/write-files.ts";
import { fromRoot } from "./lib/paths.ts";

const program = new Command("generate")
  .option("--out <dir>", "output folder", fromRoot("generated"))
  .option("--definitions <dir>", "api-definitions folder", fromRoot("api-definitions"))
  .option(
    "--release <name>",
    "generate only this release of apis.json, into another --out (default: every release)",
  )
  .parse();
const opts = program.opts<{ out: string; definitions: string; release?: string }>();

if (opts.release && opts.out === fromRoot("generated")) {
  console.error(
    `generated/ holds every release of apis.json side by side; generating ${opts.release} alone there would delete the others. Add --out <dir>.`,
  );
  process.exit(2);
}

const started = performance.now();
const { files, manifests } = await generateAll(opts.definitions, opts.release);
writeFiles(opts.out, files);
const ops = manifests.reduce((n, m) => n + m.operations.length, 0);
console.log(
  `generated ${files.size} files for ${manifests.length} APIs (${ops} operations) in ${Math.round(performance.now() - started)} ms`,
);
