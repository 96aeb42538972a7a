import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { visitSchemas } from "../schema-visitor.ts";

/** `INVALID_ARGUMENT`, or `API_NAME.SPECIFIC_CODE` for API-specific codes. */
const CODE = /^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\.)?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/**
 * CAMARA API Design Guide (Commonalities r4.x) §3: the error `code` "MUST be `SCREAMING_SNAKE_CASE`
 * (e.g. "INVALID_ARGUMENT")"; API-specific codes are `API_NAME.SPECIFIC_CODE`. Checks the `enum`
 * and `const` values of every schema property named `code`.
 */
export const errorCodeCasing: RulesetFunction<unknown, null> = (doc) => {
  const results: IFunctionResult[] = [];
  visitSchemas(doc, ({ schema, path, role, name }) => {
    if (role !== "property" || name !== "code") return;
    const values: [unknown, (string | number)[]][] = [];
    if (Array.isArray(schema.enum)) {
      for (const [i, v] of schema.enum.entries()) values.push([v, ["enum", i]]);
    }
    if ("const" in schema) values.push([schema.const, ["const"]]);
    for (const [value, at] of values) {
      if (typeof value === "string" && !CODE.test(value)) {
        results.push({
          message: `error code "${value}" is not SCREAMING_SNAKE_CASE (or API_NAME.SPECIFIC_CODE)`,
          path: [...path, ...at],
        });
      }
    }
  });
  return results;
};
