import type { BuiltManifest } from "./build-manifest.ts";

/** The operation manifest module of one API. */
export function emitManifest(manifest: BuiltManifest): string {
  return [
    'import type { ApiManifest } from "../../manifest-types.ts";',
    "",
    `/** Operation manifest of ${manifest.title} ${manifest.version} (CAMARA ${manifest.release}). */`,
    `export const manifest = ${JSON.stringify(manifest, null, 2)} as const satisfies ApiManifest<${JSON.stringify(manifest.release)}>;`,
    "",
    "/** The operationIds of this API. */",
    'export type OperationId = (typeof manifest)["operations"][number]["operationId"];',
    "",
  ].join("\n");
}
