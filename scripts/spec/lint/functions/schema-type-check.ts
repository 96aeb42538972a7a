import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject, resolve } from "../doc-path.ts";
import { foldSchema } from "../fold-schema.ts";
import { type SchemaNode, visitSchemas } from "../schema-visitor.ts";

/** JSON Schema primitive types OpenAPI 3.0 allows (`null` is not one: use `nullable`). */
const TYPES = new Set(["array", "boolean", "integer", "number", "object", "string"]);

/** True when another `allOf` branch of the grandparent gives this property a type. */
function refinesTypedProperty(doc: unknown, node: SchemaNode): boolean {
  const branch = node.parent;
  if (branch?.role !== "allOf" || !branch.parent || node.name === undefined) return false;
  const folded = foldSchema(doc, { schema: branch.parent.schema, path: branch.parent.path });
  return (folded.properties.get(node.name) ?? []).some((s) => {
    const target = resolve(doc, s.schema, s.path).value;
    return s.schema !== node.schema && isObject(target) && typeof target.type === "string";
  });
}

/**
 * CAMARA linting "Schema type check": `type` is mandatory in a property schema of
 * components.schemas, and must be one of the JSON Schema primitive types. A property that only
 * narrows (e.g. an `enum`) a property another `allOf` branch already types is accepted.
 */
export const schemaTypeCheck: RulesetFunction<unknown, unknown> = (doc) => {
  const results: IFunctionResult[] = [];
  visitSchemas(doc, (node) => {
    if (node.role !== "property" || !node.origin.startsWith("#/components/schemas/")) return;
    const s = node.schema;
    if (typeof s.$ref === "string" || s.allOf || s.oneOf || s.anyOf || s.not) return;
    if (s.type === undefined) {
      if (refinesTypedProperty(doc, node)) return;
      results.push({ message: `property "${node.name}" has no type`, path: [...node.path] });
    } else if (typeof s.type !== "string" || !TYPES.has(s.type)) {
      results.push({
        message: `property "${node.name}" has type ${JSON.stringify(s.type)}; it must be one of ${[...TYPES].join(", ")}`,
        path: [...node.path, "type"],
      });
    }
  });
  return results;
};
