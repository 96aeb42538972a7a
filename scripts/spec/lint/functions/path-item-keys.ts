import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject } from "../doc-path.ts";

export interface PathItemKeysOptions {
  /** HTTP methods allowed as operations. */
  readonly methods: readonly string[];
}

/** Path Item fields of OpenAPI 3.0 §4.7.9 that are not operations. */
const FIELDS = new Set(["$ref", "summary", "description", "servers", "parameters"]);

/** CAMARA API Design Guide §5.7.2: valid methods are GET, PUT, POST, DELETE, PATCH, OPTIONS. */
export const pathItemKeys: RulesetFunction<unknown, PathItemKeysOptions> = (doc, options) => {
  const results: IFunctionResult[] = [];
  if (!isObject(doc) || !isObject(doc.paths)) return results;
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const key of Object.keys(item)) {
      if (FIELDS.has(key) || key.startsWith("x-") || options.methods.includes(key)) continue;
      results.push({
        message: `"${key}" is not an allowed method (${options.methods.map((m) => m.toUpperCase()).join(", ")})`,
        path: ["paths", path, key],
      });
    }
  }
  return results;
};
