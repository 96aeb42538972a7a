import { existsSync } from "node:fs";
import { buildEffectiveSpec, type OpenApiDocument } from "../../codegen/effective-spec.ts";
import { apiSources } from "../../codegen/release-config.ts";
import { loadSpec } from "../diff/load-spec.ts";
import { DEFINITIONS_DIR } from "../lint/lint-inputs.ts";

/**
 * The spec to mock or proxy: the effective spec (overlays applied) of an API by name, of the first
 * release of apis.json (`webrtc-registration`) or of a named one (`r3.1-rc.1/webrtc-registration`),
 * or any OpenAPI file by path.
 */
export async function loadApiSpec(
  apiOrFile: string,
  definitionsDir = DEFINITIONS_DIR,
): Promise<OpenApiDocument> {
  const sources = apiSources(definitionsDir);
  const source = sources.find((s) => s.name === apiOrFile || `${s.release}/${s.name}` === apiOrFile);
  if (source) return buildEffectiveSpec(definitionsDir, source);
  if (existsSync(apiOrFile)) return loadSpec(apiOrFile);
  const names = sources.map((s) => `${s.release}/${s.name}`);
  throw new Error(`${apiOrFile} is neither an API of apis.json (${names.join(", ")}) nor a file`);
}
