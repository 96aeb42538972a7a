import { bannerLines, tsBanner } from "./banner.ts";
import { type BuiltManifest, buildManifest } from "./build-manifest.ts";
import { bundleEffectiveSpec, type OpenApiDocument } from "./effective-spec.ts";
import { emitHandlers } from "./emit-handlers.ts";
import { emitManifest } from "./emit-manifest.ts";
import { emitTypes } from "./emit-types.ts";
import { camelCase, pascalCase, releaseIdentifier } from "./names.ts";
import { manifestTypesSource } from "./operation-manifest.ts";
import { type ApiSource, apiSources, type ReleaseConfig } from "./release-config.ts";

/** Relative output path (forward slashes) → file contents. */
export type GeneratedFiles = Map<string, string>;

export interface GenerateResult {
  files: GeneratedFiles;
  manifests: BuiltManifest[];
  /** Effective spec of each API, by `<release>/<api>`. */
  specs: Map<string, OpenApiDocument>;
}

/** Key of an API in GenerateResult.specs, and its folder under generated/: `r2.2/webrtc-events`. */
export function apiKey(source: { release: string; name: string }): string {
  return `${source.release}/${source.name}`;
}

async function generateApi(
  definitionsDir: string,
  source: ApiSource,
  files: GeneratedFiles,
  specs: Map<string, OpenApiDocument>,
): Promise<BuiltManifest> {
  const { document: spec, dependencies } = await bundleEffectiveSpec(definitionsDir, source);
  const dir = apiKey(source);
  specs.set(dir, spec);
  const manifest = buildManifest(source.name, source.release, spec);
  const banner = tsBanner(source, dependencies);
  files.set(
    `${dir}/openapi.json`,
    `${JSON.stringify({ "x-generated": bannerLines(source, dependencies), ...spec }, null, 2)}\n`,
  );
  files.set(`${dir}/types.ts`, `${banner}\n${await emitTypes(spec)}`);
  files.set(`${dir}/operations.ts`, `${banner}\n${emitManifest(manifest)}`);
  files.set(`${dir}/handlers.ts`, `${banner}\n${emitHandlers(manifest)}`);
  return manifest;
}

/** generated/<release>/index.ts: the manifests, contracts and effective specs of one release. */
function emitReleaseIndex(release: string, sources: ApiSource[]): string {
  const lines = [
    tsBanner(null),
    'import type { ApiManifest as AnyApiManifest, OperationManifest as AnyOperationManifest } from "../manifest-types.ts";',
  ];
  for (const s of sources) {
    lines.push(`import { manifest as ${camelCase(s.name)} } from "./${s.name}/operations.ts";`);
  }
  lines.push("");
  for (const s of sources) {
    lines.push(`export type * as ${pascalCase(s.name)} from "./${s.name}/handlers.ts";`);
  }
  lines.push(
    'export type { HttpMethod, ParameterManifest, RequestBodyManifest, ResponseManifest, SchemaRef } from "../manifest-types.ts";',
    "",
    `/** The CAMARA release of this folder. */`,
    `export const release = ${JSON.stringify(release)};`,
    "",
    `/** An API manifest of ${release}: one of another release is not assignable to it. */`,
    "export type ApiManifest = AnyApiManifest<typeof release>;",
    "",
    `/** An operation of ${release}: one of another release is not assignable to it. */`,
    "export type OperationManifest = AnyOperationManifest<typeof release>;",
    "",
    `/** Manifests of every API of ${release}, in the order of api-definitions/apis.json. */`,
    `export const apis: readonly ApiManifest[] = [${sources.map((s) => camelCase(s.name)).join(", ")}];`,
    "",
    "/** Path of each API's effective spec, relative to the generated/ folder. */",
    `export const effectiveSpecFiles = {\n${sources.map((s) => `  ${JSON.stringify(s.name)}: "${apiKey(s)}/openapi.json",`).join("\n")}\n} as const;`,
    "",
  );
  return lines.join("\n");
}

/** generated/index.ts: every release, each as a namespace (`r2_2`, `r3_1_rc_1`). */
function emitIndex(releases: string[]): string {
  return [
    tsBanner(null),
    ...releases.map((r) => `export * as ${releaseIdentifier(r)} from "./${r}/index.ts";`),
    'export type * from "./manifest-types.ts";',
    "",
    "/** The releases generated side by side, in the order of api-definitions/apis.json. */",
    `export const releases = ${JSON.stringify(releases)} as const;`,
    "",
  ].join("\n");
}

/**
 * Generates every file of generated/ in memory: for each release of apis.json (or only `release`),
 * generated/<release>/<api>/ and generated/<release>/index.ts, then generated/index.ts.
 * Output depends only on the inputs: no timestamps, absolute paths or unordered iteration.
 * `config` replaces apis.json (spec:update generates a release before listing it).
 */
export async function generateAll(
  definitionsDir: string,
  release?: string,
  config?: ReleaseConfig,
): Promise<GenerateResult> {
  const sources = apiSources(definitionsDir, release, config);
  const files: GeneratedFiles = new Map();
  const manifests: BuiltManifest[] = [];
  const specs = new Map<string, OpenApiDocument>();
  for (const source of sources) manifests.push(await generateApi(definitionsDir, source, files, specs));
  const releases = [...new Set(sources.map((s) => s.release))];
  for (const r of releases) {
    files.set(
      `${r}/index.ts`,
      emitReleaseIndex(
        r,
        sources.filter((s) => s.release === r),
      ),
    );
  }
  files.set("manifest-types.ts", `${tsBanner(null)}\n${manifestTypesSource}`);
  files.set("index.ts", emitIndex(releases));
  return { files, manifests, specs };
}
