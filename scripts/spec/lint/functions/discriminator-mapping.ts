import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { getAt, isObject, refPath } from "../doc-path.ts";
import { foldSchema } from "../fold-schema.ts";
import { visitSchemas } from "../schema-visitor.ts";

/**
 * OpenAPI 3.0 §4.7.25 Discriminator Object: `mapping` values are "schema names or references"; each
 * must lead to a schema, and `propertyName` must be a property of the payload.
 */
export const discriminatorMapping: RulesetFunction<unknown, unknown> = (doc) => {
  const results: IFunctionResult[] = [];
  visitSchemas(doc, ({ schema, path }) => {
    const d = schema.discriminator;
    if (!isObject(d)) return;
    if (isObject(d.mapping)) {
      for (const [value, target] of Object.entries(d.mapping)) {
        if (typeof target !== "string") continue;
        const ref = target.startsWith("#") ? target : `#/components/schemas/${target}`;
        const targetPath = refPath(ref);
        if (targetPath === null) continue; // a reference into another document is not ours to check
        if (!isObject(getAt(doc, targetPath))) {
          results.push({
            message: `discriminator mapping "${value}" → "${target}" does not resolve to a schema`,
            path: [...path, "discriminator", "mapping", value],
          });
        }
      }
    }
    if (typeof d.propertyName !== "string") return;
    const folded = foldSchema(doc, { schema, path });
    if (!folded.alternatives && !folded.properties.has(d.propertyName)) {
      results.push({
        message: `discriminator propertyName "${d.propertyName}" is not a property of the schema`,
        path: [...path, "discriminator", "propertyName"],
      });
    }
  });
  return results;
};
