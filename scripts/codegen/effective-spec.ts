import { readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
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

/** An effective spec and the files it was bundled from. */
export interface EffectiveSpec {
  readonly document: OpenApiDocument;
  /**
   * Files other than the spec itself that its relative `$ref`s reached (e.g.
   * `camara/r3.1-rc.1/common/CAMARA_common.yaml`), relative to the definitions folder with forward
   * slashes, sorted. They are inputs of the generated files and are named in their banners.
   */
  readonly dependencies: readonly string[];
}

/**
 * Builds the effective spec of one API: the vendored YAML with every $ref bundled into one document
 * (internal refs stay `#/components/...`; relative refs to other files, such as
 * `../common/CAMARA_common.yaml#/components/schemas/ErrorInfo`, are resolved against the vendored
 * spec's folder and their targets copied into `components`), then its overlays applied.
 */
export async function bundleEffectiveSpec(definitionsDir: string, source: ApiSource): Promise<EffectiveSpec> {
  const specFile = resolve(definitionsDir, source.specPath);
  const config = await createConfig({});
  const result = await bundle({
    doc: {
      source: new Source(specFile, "", "application/yaml"),
      parsed: parse(readFileSync(specFile, "utf8")),
    },
    config,
    externalRefResolver: new BaseResolver(),
    dereference: false,
  });
  const problems = result.problems.filter((p) => p.severity === "error");
  if (problems.length > 0) {
    throw new Error(`${source.specPath}: bundling failed: ${problems.map((p) => p.message).join("; ")}`);
  }
  // Overlays apply to the bundled document, so that they reach what the relative $refs brought in
  // (a defect in common/CAMARA_common.yaml is fixed at #/components/schemas/<name>).
  let document: unknown = result.bundle.parsed;
  for (const overlayPath of source.overlayPaths) {
    const overlay = parse(readFileSync(join(definitionsDir, overlayPath), "utf8")) as OverlayDocument;
    document = applyOverlay(document, overlay, overlayPath);
  }
  const root = resolve(definitionsDir);
  const dependencies = [...result.fileDependencies]
    .filter((f) => resolve(f) !== specFile)
    .map((f) => relative(root, resolve(f)).split(sep).join("/"))
    .sort();
  return { document: document as OpenApiDocument, dependencies };
}

/** The effective spec of one API (see bundleEffectiveSpec). */
export async function buildEffectiveSpec(
  definitionsDir: string,
  source: ApiSource,
): Promise<OpenApiDocument> {
  return (await bundleEffectiveSpec(definitionsDir, source)).document;
}
