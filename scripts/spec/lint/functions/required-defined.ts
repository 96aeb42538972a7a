import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject, pointer } from "../doc-path.ts";
import { foldSchema } from "../fold-schema.ts";
import { schemaName } from "../schema-name.ts";
import { type SchemaNode, visitSchemas } from "../schema-visitor.ts";

function label(node: SchemaNode): string {
  const p = node.path;
  return p[0] === "components" && p[1] === "schemas" && p.length === 3 ? String(p[2]) : `#${pointer(p)}`;
}

/**
 * Every name in `required` must be a property the schema defines, `allOf` branches and `$ref`s
 * folded in. JSON Schema allows undeclared required names, but in an OpenAPI object schema they
 * are a defect: every instance must then carry a property the schema never describes, so data
 * written from the schema fails validation. `allOf` branches are judged with their siblings (a
 * branch may require what another branch defines), `oneOf`/`anyOf` branches with their parent.
 */
export const requiredDefined: RulesetFunction<unknown, unknown> = (doc) => {
  const results = new Map<string, IFunctionResult>();
  visitSchemas(doc, (node) => {
    if (node.role === "allOf" || typeof node.schema.$ref === "string") return;
    const sources = [{ schema: node.schema, path: node.path }];
    const branch = node.role === "oneOf" || node.role === "anyOf";
    if (branch && node.parent) {
      const { oneOf: _o, anyOf: _a, ...parent } = node.parent.schema;
      sources.push({ schema: parent, path: node.parent.path });
    }
    const folded = foldSchema(doc, ...sources);
    if (folded.properties.size === 0 || (folded.alternatives && !branch)) return;
    if (isObject(folded.additionalProperties?.schema)) return; // a typed map may require its keys
    const defined = [...folded.properties.keys()].sort();
    const name = branch || node.role === "root" ? label(node) : schemaName(folded, label(node));
    for (const entry of folded.required) {
      if (folded.properties.has(entry.name)) continue;
      results.set(pointer(entry.path), {
        message:
          `required property "${entry.name}" is not defined by ${name} (allOf folded; defined: ` +
          `${defined.join(", ")}); every valid instance would need an undeclared "${entry.name}"`,
        path: [...entry.path],
      });
    }
  });
  return [...results.values()];
};
