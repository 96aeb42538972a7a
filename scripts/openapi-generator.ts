#!/usr/bin/env -S node --import tsx
/**
 * `npm run generate:openapi-generator -- <generator-name> [--api <name>] [--out <dir>]`: optional back
 * end running a user-provided openapi-generator JAR on the effective specs. Configured through
 * openapitools.json (`generator-cli.version`, `generator-cli.storageDir`), like
 * @openapitools/openapi-generator-cli, but it never downloads anything: without the JAR it says
 * exactly what to provide and exits with status 2.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { apiSources } from "./codegen/release-config.ts";
import { fromRoot } from "./lib/paths.ts";

const program = new Command("generate:openapi-generator")
  .argument("<generator>", "openapi-generator generator name, e.g. typescript-fetch or spring")
  .option("--api <name>", "only this API (default: every API)")
  .option("--release <name>", "only this release of api-definitions/apis.json (default: every release)")
  .option("--out <dir>", "output folder", fromRoot("out", "openapi-generator"))
  .option("--config <file>", "openapitools.json to read", fromRoot("openapitools.json"))
  .parse();
const [generator] = program.args as [string];
const opts = program.opts<{ api?: string; release?: string; out: string; config: string }>();

const config = JSON.parse(readFileSync(opts.config, "utf8")) as {
  "generator-cli"?: { version?: string; storageDir?: string };
};
const version = config["generator-cli"]?.version;
const storageDir = resolve(fromRoot(), config["generator-cli"]?.storageDir ?? ".openapi-generator");
if (!version) {
  console.error(`${opts.config}: set "generator-cli": { "version": "<x.y.z>" } to the version of your JAR.`);
  process.exit(2);
}
const jar = join(storageDir, `${version}.jar`);
if (!existsSync(jar)) {
  console.error(
    [
      `No openapi-generator JAR at ${jar}.`,
      "This project never downloads it. To use this optional back end:",
      `  1. obtain openapi-generator-cli-${version}.jar (Maven Central: org.openapitools:openapi-generator-cli:${version});`,
      `  2. save it as ${jar};`,
      "  3. or point generator-cli.storageDir and generator-cli.version in openapitools.json at the JAR you have.",
      "A Java runtime (java on PATH, or the JAVA environment variable) is also needed.",
    ].join("\n"),
  );
  process.exit(2);
}

const java = process.env.JAVA ?? "java";
const sources = apiSources(fromRoot("api-definitions"), opts.release);
const apis = sources.filter((a) => !opts.api || a.name === opts.api);
if (apis.length === 0) {
  console.error(`Unknown API ${opts.api}; known: ${[...new Set(sources.map((a) => a.name))].join(", ")}`);
  process.exit(2);
}
for (const api of apis) {
  const args = [
    "-jar",
    jar,
    "generate",
    "-i",
    fromRoot("generated", api.release, api.name, "openapi.json"),
    "-g",
    generator,
    "-o",
    join(opts.out, generator, api.release, api.name),
  ];
  const result = spawnSync(java, args, { stdio: "inherit" });
  if (result.error) {
    console.error(`Could not run ${java}: ${result.error.message}. Install a Java runtime or set JAVA.`);
    process.exit(2);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}
