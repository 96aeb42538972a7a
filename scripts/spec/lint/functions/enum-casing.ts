import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { visitSchemas } from "../schema-visitor.ts";

export interface EnumCasingOptions {
  /** `macro`: VERY_LONG_NAME. */
  readonly casing: "macro";
}

const MACRO = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/** CAMARA linting "Enum" casing: string enum values follow a casing convention (macro). */
export const enumCasing: RulesetFunction<unknown, EnumCasingOptions> = (doc) => {
  const results: IFunctionResult[] = [];
  visitSchemas(doc, ({ schema, path }) => {
    if (!Array.isArray(schema.enum)) return;
    schema.enum.forEach((value, i) => {
      if (typeof value === "string" && !MACRO.test(value)) {
        results.push({
          message: `enum value "${value}" is not macro case (VERY_LONG_NAME)`,
          path: [...path, "enum", i],
        });
      }
    });
  });
  return results;
};
