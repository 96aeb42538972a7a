#!/usr/bin/env -S node --import tsx
/**
 * `npm run conformance:pack`: builds `camara-conformance-<version>.tgz`, the conformance suite
 * installable alone (`npm install ./camara-conformance-<version>.tgz`, then
 * `npx camara-conformance --target … --config …`): its code, the effective specs and operation
 * manifests it reads, the upstream Test_definitions and the project's features, for every release the
 * suite checks (`--release`). No gateway.
 *
 * The package is a staging folder laid out like the repository, so the suite's relative imports and
 * its `repoRoot` work unchanged; its package.json is derived from the root one (version, and the
 * exact installed versions of the runtime dependencies), and its npm-shrinkwrap.json is the part of
 * package-lock.json those dependencies reach: a telco installs exactly what the project tests, and an
 * install needs nothing the npm cache of the project's own `npm ci` lacks. Output: `.tmp/conformance-pack/` (git-ignored)
 * or `--out <dir>`; the tarball's path is the last line printed.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { releases } from "../../generated/index.ts";
import { fromRoot } from "../lib/paths.ts";
import { type Lockfile, shrinkwrapFor } from "./shrinkwrap.ts";

/** What conformance/ imports at run time (tsx runs the TypeScript as shipped). */
const RUNTIME_DEPENDENCIES = [
  "@cucumber/cucumber",
  "@cucumber/messages",
  "ajv",
  "ajv-formats",
  "commander",
  "jsonpath-plus",
  "tsx",
  "undici",
  "yaml",
] as const;

/** Repository paths shipped, each copied to the same place in the package. */
const SHIPPED = [
  "conformance",
  "features",
  join("generated", "manifest-types.ts"),
  join("generated", "index.ts"),
  ...releases.flatMap((release) => [
    join("generated", release),
    join("api-definitions", "camara", release, "Test_definitions"),
  ]),
] as const;

/** conformance/ without its own tests: they need the gateway and the lab. */
function shipped(path: string): boolean {
  const inConformance = relative(fromRoot(), path).split(sep).join("/");
  return !(
    /\.test\.ts$/.test(inConformance) ||
    /^conformance\/(test|mutation)(\/|$)/.test(inConformance) ||
    inConformance === "conformance/prism-expected.yaml"
  );
}

function installedVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(fromRoot("node_modules", name, "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function packageJson(): Record<string, unknown> & { version: string; dependencies: Record<string, string> } {
  const root = JSON.parse(readFileSync(fromRoot("package.json"), "utf8")) as Record<string, unknown>;
  return {
    name: "camara-conformance",
    version: String(root.version),
    description: `Conformance suite for the CAMARA WebRTC APIs (${releases.join(", ")}): the upstream Test_definitions and the project's features, run against any gateway over HTTP`,
    license: root.license,
    type: "module",
    engines: root.engines,
    bin: { "camara-conformance": "conformance/bin/camara-conformance.mjs" },
    // Exact versions: the ones the repository's own runs use (and that its npm cache holds).
    dependencies: Object.fromEntries(RUNTIME_DEPENDENCIES.map((name) => [name, installedVersion(name)])),
  };
}

/** Stages the package under `outDir/stage` and packs it into `outDir`; returns the tarball's path. */
export function packConformance(outDir: string): string {
  const stage = join(outDir, "stage");
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const path of SHIPPED) {
    cpSync(fromRoot(path), join(stage, path), { recursive: true, filter: shipped });
  }
  cpSync(fromRoot("conformance", "README.md"), join(stage, "README.md"));
  const pkg = packageJson();
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  const lock = JSON.parse(readFileSync(fromRoot("package-lock.json"), "utf8")) as Lockfile;
  const shrinkwrap = shrinkwrapFor(lock, { name: "camara-conformance", ...pkg });
  writeFileSync(join(stage, "npm-shrinkwrap.json"), `${JSON.stringify(shrinkwrap, null, 2)}\n`);
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", outDir], {
      cwd: stage,
      encoding: "utf8",
    }),
  ) as { filename: string }[];
  const filename = packed[0]?.filename;
  if (!filename) throw new Error("npm pack named no tarball");
  return join(outDir, filename);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = new Command("conformance:pack")
    .description("Pack the conformance suite as the camara-conformance npm package")
    .option("--out <dir>", "where the tarball goes", fromRoot(".tmp", "conformance-pack"))
    .parse()
    .opts<{ out: string }>();
  console.log(packConformance(resolve(options.out)));
}
