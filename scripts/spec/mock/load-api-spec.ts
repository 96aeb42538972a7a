import { existsSync } from "node:fs";
import { buildEffectiveSpec, type OpenApiDocument } from "../../codegen/effective-spec.ts";
import { apiSources } from "../../codegen/release-config.ts";
import { loadSpec } from "../diff/load-spec.ts";
import { DEFINITIONS_DIR } from "../lint/lint-inputs.ts";

/**
 * The spec to mock or proxy: the effective spec (overlays applied) of an API of the active
 * release by name (`webrtc-registration`), or any OpenAPI file by path.
 */
export async function loadApiSpec(
  apiOrFile: string,
  definitionsDir = DEFINITIONS_DIR,
): Promise<OpenApiDocument> {
  const source = apiSources(definitionsDir).find((s) => s.name === apiOrFile);
  if (source) return buildEffectiveSpec(definitionsDir, source);
  if (existsSync(apiOrFile)) return loadSpec(apiOrFile);
  const names = apiSources(definitionsDir).map((s) => s.name);
  throw new Error(`${apiOrFile} is neither an API of the active release (${names.join(", ")}) nor a file`);
}
