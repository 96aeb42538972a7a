import openapiTS, { astToString } from "openapi-typescript";
import type { OpenApiDocument } from "./effective-spec.ts";

/** TypeScript types of the effective spec (paths, components, operations) from openapi-typescript. */
export async function emitTypes(doc: OpenApiDocument): Promise<string> {
  const nodes = await openapiTS(structuredClone(doc) as Parameters<typeof openapiTS>[0], {
    alphabetize: false,
    exportType: false,
  });
  return astToString(nodes);
}
