import openapiTS, { astToString } from "openapi-typescript";
import type { OpenApiDocument } from "./effective-spec.ts";

/** TypeScript types of the effective spec (paths, components, operations) from openapi-typescript. */
export async function emitTypes(doc: OpenApiDocument): Promise<string> {
  const nodes = await openapiTS(structuredClone(doc) as Parameters<typeof openapiTS>[0], {
    alphabetize: false,
    exportType: false,
    // An allOf branch that only lists `required` (e.g. MediaSessionStatusUpdate) would otherwise
    // become Record<string, never> and make the whole intersection unusable.
    emptyObjectsUnknown: true,
  });
  return astToString(nodes);
}
