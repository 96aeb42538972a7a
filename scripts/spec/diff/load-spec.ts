import { resolve } from "node:path";
import { bundle, createConfig } from "@redocly/openapi-core";
import type { OpenApiDocument } from "../../codegen/effective-spec.ts";

/**
 * Reads an OpenAPI document (YAML or JSON) and bundles references to other files into it, so that
 * every `$ref` left is local (`#/...`).
 */
export async function loadSpec(file: string): Promise<OpenApiDocument> {
  let result: Awaited<ReturnType<typeof bundle>>;
  try {
    result = await bundle({ ref: resolve(file), config: await createConfig({}), dereference: false });
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problems = result.problems.filter((p) => p.severity === "error");
  if (problems.length > 0) {
    throw new Error(`${file}: ${problems.map((p) => p.message).join("; ")}`);
  }
  const doc = result.bundle.parsed as OpenApiDocument | null;
  if (!doc || typeof doc !== "object" || typeof doc.paths !== "object") {
    throw new Error(`${file}: not an OpenAPI document (no paths)`);
  }
  return doc;
}
