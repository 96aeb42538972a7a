#!/usr/bin/env -S node --import tsx
/**
 * `npm run framework:pack`: builds the framework's two packages beside camara-conformance:
 *
 * - `camara-webrtc`: the generator and its CLI (scripts/framework/cli.ts: init, generate, update,
 *   diff, lint) with the releases it scaffolds (api-definitions/) and the lint rulesets;
 * - `camara-webrtc-runtime`: the HTTP runtime, impl/runtime/ (the files its index.ts reaches), which
 *   imports nothing else of the repository; camara-webrtc depends on it (the schema validator of the
 *   spec lint, the manifest types the generator emits).
 *
 * Like conformance-pack.ts, each is staged laid out like the repository (the sources' relative
 * imports and repoRoot work unchanged; TypeScript runs through tsx), holds exactly the files its
 * entry reaches (scripts/pack/import-closure.ts), depends on the exact versions the repository runs,
 * and carries an npm-shrinkwrap.json cut from package-lock.json. Output: `.tmp/framework-pack/` or
 * `--out <dir>`; the tarballs' paths are printed one a line.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { fromRoot } from "../lib/paths.ts";
import { importClosure } from "./import-closure.ts";
import { type Lockfile, shrinkwrapFor } from "./shrinkwrap.ts";

interface PackageSpec {
  readonly name: string;
  readonly description: string;
  /** Repository-relative TypeScript entries; every file they reach is shipped. */
  readonly entries: readonly string[];
  /** Repository-relative files or folders shipped whole (data the code reads by path). */
  readonly data: readonly string[];
  /** Packages depended on besides those the shipped code imports (tools, type definitions). */
  readonly extraDependencies: readonly string[];
  readonly fields: Record<string, unknown>;
}

export const FRAMEWORK_PACKAGES: readonly PackageSpec[] = [
  {
    name: "camara-webrtc",
    description: "Generator and CLI of the CAMARA WebRTC framework: init, generate, update, diff, lint",
    entries: ["scripts/framework/cli.ts", "scripts/framework/bin/camara-webrtc.mjs"],
    data: [
      "api-definitions",
      "scripts/spec/camara-ruleset.yaml",
      "scripts/spec/camara-ruleset-r4.yaml",
      "scripts/framework/bin",
    ],
    // typescript: openapi-typescript's peer; @types/node: the versions init pins in a project.
    extraDependencies: ["tsx", "typescript", "@types/node"],
    fields: { bin: { "camara-webrtc": "scripts/framework/bin/camara-webrtc.mjs" } },
  },
  {
    name: "camara-webrtc-runtime",
    description:
      "HTTP runtime of the CAMARA WebRTC framework: an express app from the generated manifests, handlers injected",
    entries: ["impl/runtime/index.ts"],
    data: [],
    // The shipped TypeScript is type-checked by its users: the types of what it imports.
    extraDependencies: ["tsx", "@types/express", "@types/node"],
    fields: {
      exports: {
        ".": "./impl/runtime/index.ts",
        "./manifest-types.ts": "./impl/runtime/manifest-types.ts",
      },
    },
  },
];

function installedVersion(name: string): string {
  const file = fromRoot("node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** Stages `spec` under `outDir/<name>` and packs it into `outDir`; returns the tarball's path. */
export function packFrameworkPackage(spec: PackageSpec, outDir: string): string {
  const stage = join(outDir, spec.name);
  rmSync(stage, { recursive: true, force: true });
  const closure = importClosure(fromRoot(), spec.entries);
  for (const file of [...closure.files, ...spec.data]) {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    cpSync(fromRoot(file), join(stage, file), { recursive: true });
  }
  const root = JSON.parse(readFileSync(fromRoot("package.json"), "utf8")) as Record<string, unknown>;
  const names = [...new Set([...closure.packages, ...spec.extraDependencies])].sort();
  const pkg = {
    name: spec.name,
    version: String(root.version),
    description: spec.description,
    license: root.license,
    type: "module",
    engines: root.engines,
    ...spec.fields,
    dependencies: Object.fromEntries(
      names.map((n) => [
        n,
        FRAMEWORK_PACKAGES.some((p) => p.name === n) ? String(root.version) : installedVersion(n),
      ]),
    ),
  };
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  const lock = JSON.parse(readFileSync(fromRoot("package-lock.json"), "utf8")) as Lockfile;
  // The framework's packages are released together and installed side by side (no registry entry
  // to lock): the shrinkwrap names them as dependencies without cutting a tree for them.
  const siblings = new Set(FRAMEWORK_PACKAGES.map((p) => p.name));
  const registry = Object.fromEntries(Object.entries(pkg.dependencies).filter(([n]) => !siblings.has(n)));
  const cut = shrinkwrapFor(lock, { ...pkg, dependencies: registry });
  const shrinkwrap = {
    ...cut,
    packages: { ...cut.packages, "": { ...cut.packages[""], dependencies: pkg.dependencies } },
  };
  writeFileSync(join(stage, "npm-shrinkwrap.json"), `${JSON.stringify(shrinkwrap, null, 2)}\n`);
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", outDir], { cwd: stage, encoding: "utf8" }),
  ) as { filename: string }[];
  const filename = packed[0]?.filename;
  if (!filename) throw new Error(`npm pack named no tarball for ${spec.name}`);
  return join(outDir, filename);
}

/** Packs both framework packages; returns their tarballs by package name. */
export function packFramework(outDir: string): Record<string, string> {
  mkdirSync(outDir, { recursive: true });
  return Object.fromEntries(
    FRAMEWORK_PACKAGES.map((spec) => [spec.name, packFrameworkPackage(spec, outDir)]),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = new Command("framework:pack")
    .description("Pack the framework as the camara-webrtc and camara-webrtc-runtime npm packages")
    .option("--out <dir>", "where the tarballs go", fromRoot(".tmp", "framework-pack"))
    .parse()
    .opts<{ out: string }>();
  for (const tarball of Object.values(packFramework(resolve(options.out)))) console.log(tarball);
}
