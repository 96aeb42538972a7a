import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BaseResolver, bundle, createConfig, Source } from "@redocly/openapi-core";
import { parse } from "yaml";
import { applyOverlay, type OverlayDocument } from "./apply-overlay.ts";
import type { ApiSource } from "./release-config.ts";

/** A parsed OpenAPI 3.0 document; the generator reads it structurally. */
export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  servers?: { url: string; variables?: Record<string, { default: string }> }[];
  components?: Record<string, Record<string, unknown>>;
};

/**
 * Builds the effective spec of one API: the vendored YAML with its overlays applied and every $ref
 * bundled into one document (internal refs stay `#/components/...`).
 */
export async function buildEffectiveSpec(
  definitionsDir: string,
  source: ApiSource,
): Promise<OpenApiDocument> {
  const specFile = join(definitionsDir, source.specPath);
  let document: unknown = parse(readFileSync(specFile, "utf8"));
  for (const overlayPath of source.overlayPaths) {
    const overlay = parse(readFileSync(join(definitionsDir, overlayPath), "utf8")) as OverlayDocument;
    document = applyOverlay(document, overlay, overlayPath);
  }
  const config = await createConfig({});
  const result = await bundle({
    doc: { source: new Source(specFile, "", "application/yaml"), parsed: document },
    config,
    externalRefResolver: new BaseResolver(),
    dereference: false,
  });
  const problems = result.problems.filter((p) => p.severity === "error");
  if (problems.length > 0) {
    throw new Error(`${source.specPath}: bundling failed: ${problems.map((p) => p.message).join("; ")}`);
  }
  return result.bundle.parsed as OpenApiDocument;
}
