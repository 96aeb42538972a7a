import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readReleaseConfig } from "../../codegen/release-config.ts";
import { fromRoot } from "../../lib/paths.ts";
import { generateProject } from "../project/generate-project.ts";
import { projectLayout } from "../project/project-layout.ts";
import { UsageError } from "../usage-error.ts";
import { handlerModule, handlerModuleFile } from "./handler-module.ts";
import {
  conformanceConfig,
  conformanceRunner,
  type ProjectFacts,
  packageJson,
  readme,
  serverEntry,
  tsconfig,
} from "./project-files.ts";

export interface InitOptions {
  readonly dir: string;
  /** A release the framework ships (its api-definitions/apis.json). */
  readonly release: string;
  /** APIs of that release; default all. */
  readonly apis?: readonly string[];
}

/** The framework's own vendored releases (api-definitions/ of the package). */
const FRAMEWORK_DEFINITIONS = fromRoot("api-definitions");

function frameworkPackage(): { version: string; deps: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(fromRoot("package.json"), "utf8")) as {
    version: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return { version: pkg.version, deps: { ...pkg.devDependencies, ...pkg.dependencies } };
}

function write(root: string, rel: string, contents: string): void {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, contents);
}

/**
 * `camara-webrtc init`: a TypeScript project implementing `release` (or some of its APIs): the
 * vendored release and its overlays, the generated contract, a server entry on the runtime, one
 * handler module per API answering 501, the conformance suite's configuration and a README.
 */
export async function initProject(options: InitOptions): Promise<{ files: string[] }> {
  const shipped = readReleaseConfig(FRAMEWORK_DEFINITIONS).releases;
  const entry = shipped.find((r) => r.release === options.release);
  if (!entry) {
    throw new UsageError(
      `release ${options.release} is not one the framework ships; choose from ${shipped.map((r) => r.release).join(", ")}.`,
    );
  }
  const unknown = (options.apis ?? []).filter((a) => !entry.apis.some((e) => e.name === a));
  if (unknown.length > 0) {
    throw new UsageError(
      `${unknown.join(", ")} ${unknown.length === 1 ? "is not an API" : "are not APIs"} of ${options.release}; choose from ${entry.apis.map((a) => a.name).join(", ")}.`,
    );
  }
  const apis = entry.apis.filter((a) => !options.apis?.length || options.apis.includes(a.name));
  const layout = projectLayout(options.dir);
  if (existsSync(layout.root) && readdirSync(layout.root).length > 0) {
    throw new UsageError(`${layout.root} is not empty; init makes a new project in a new or empty folder.`);
  }
  mkdirSync(layout.root, { recursive: true });
  cpSync(
    join(FRAMEWORK_DEFINITIONS, "camara", options.release),
    join(layout.definitions, "camara", options.release),
    { recursive: true },
  );
  for (const api of apis) {
    const overlay = join("overlays", options.release, `${api.name}.overlay.yaml`);
    if (existsSync(join(FRAMEWORK_DEFINITIONS, overlay))) {
      cpSync(join(FRAMEWORK_DEFINITIONS, overlay), join(layout.definitions, overlay));
    }
  }
  const config = { releases: [{ release: options.release, apis }] };
  write(layout.definitions, "apis.json", `${JSON.stringify(config, null, 2)}\n`);
  const generated = await generateProject(layout);

  const framework = frameworkPackage();
  const tool = (name: string) => framework.deps[name]?.replace(/^[~^]/, "") ?? "latest";
  const facts: ProjectFacts = {
    name: basename(layout.root),
    release: options.release,
    apis: apis.map((a) => a.name),
    frameworkVersion: framework.version,
    tools: { typescript: tool("typescript"), tsx: tool("tsx"), typesNode: tool("@types/node") },
  };
  const files: [string, string][] = [
    ["package.json", packageJson(facts)],
    ["tsconfig.json", tsconfig()],
    ["README.md", readme(facts)],
    [".gitignore", "node_modules/\nreports/\n"],
    ["conformance.yaml", conformanceConfig(facts)],
    ["src/server.ts", serverEntry(facts)],
    ["test/conformance.ts", conformanceRunner()],
    ...generated.manifests.map((m): [string, string] => [
      `src/handlers/${handlerModuleFile(m.name)}`,
      handlerModule(m),
    ]),
  ];
  for (const [rel, contents] of files) write(layout.root, rel, contents);
  return { files: files.map(([rel]) => rel) };
}
