import { bannerLines, tsBanner } from "./banner.ts";
import { type BuiltManifest, buildManifest } from "./build-manifest.ts";
import { buildEffectiveSpec, type OpenApiDocument } from "./effective-spec.ts";
import { emitHandlers } from "./emit-handlers.ts";
import { emitManifest } from "./emit-manifest.ts";
import { emitTypes } from "./emit-types.ts";
import { camelCase, pascalCase } from "./names.ts";
import { manifestTypesSource } from "./operation-manifest.ts";
import { type ApiSource, apiSources } from "./release-config.ts";

/** Relative output path (forward slashes) → file contents. */
export type GeneratedFiles = Map<string, string>;

export interface GenerateResult {
  files: GeneratedFiles;
  manifests: BuiltManifest[];
  /** Effective spec of each API, by API name. */
  specs: Map<string, OpenApiDocument>;
}

async function generateApi(
  definitionsDir: string,
  source: ApiSource,
  files: GeneratedFiles,
  specs: Map<string, OpenApiDocument>,
): Promise<BuiltManifest> {
  const spec = await buildEffectiveSpec(definitionsDir, source);
  specs.set(source.name, spec);
  const manifest = buildManifest(source.name, spec);
  const banner = tsBanner(source);
  const dir = source.name;
  files.set(
    `${dir}/openapi.json`,
    `${JSON.stringify({ "x-generated": bannerLines(source), ...spec }, null, 2)}\n`,
  );
  files.set(`${dir}/types.ts`, `${banner}\n${await emitTypes(spec)}`);
  files.set(`${dir}/operations.ts`, `${banner}\n${emitManifest(manifest)}`);
  files.set(`${dir}/handlers.ts`, `${banner}\n${emitHandlers(manifest)}`);
  return manifest;
}

function emitIndex(sources: ApiSource[]): string {
  const lines = [tsBanner(null), 'import type { ApiManifest } from "./manifest-types.ts";'];
  for (const s of sources) {
    lines.push(`import { manifest as ${camelCase(s.name)} } from "./${s.name}/operations.ts";`);
  }
  lines.push("");
  for (const s of sources) {
    lines.push(`export type * as ${pascalCase(s.name)} from "./${s.name}/handlers.ts";`);
  }
  lines.push(
    'export type * from "./manifest-types.ts";',
    "",
    `/** The CAMARA release the generated code was built from. */`,
    `export const release = ${JSON.stringify(sources[0]?.release ?? "")};`,
    "",
    "/** Manifests of every API, in the order of api-definitions/apis.json. */",
    `export const apis: readonly ApiManifest[] = [${sources.map((s) => camelCase(s.name)).join(", ")}];`,
    "",
    "/** Path of each API's effective spec, relative to the generated/ folder. */",
    `export const effectiveSpecFiles = {\n${sources.map((s) => `  ${JSON.stringify(s.name)}: "${s.name}/openapi.json",`).join("\n")}\n} as const;`,
    "",
  );
  return lines.join("\n");
}

/**
 * Generates every file of generated/ in memory for `release` (the active one by default).
 * Output depends only on the inputs: no timestamps, absolute paths or unordered iteration.
 */
export async function generateAll(definitionsDir: string, release?: string): Promise<GenerateResult> {
  const sources = apiSources(definitionsDir, release);
  const files: GeneratedFiles = new Map();
  const manifests: BuiltManifest[] = [];
  const specs = new Map<string, OpenApiDocument>();
  for (const source of sources) manifests.push(await generateApi(definitionsDir, source, files, specs));
  files.set("manifest-types.ts", `${tsBanner(null)}\n${manifestTypesSource}`);
  files.set("index.ts", emitIndex(sources));
  return { files, manifests, specs };
}
