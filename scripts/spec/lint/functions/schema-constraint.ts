import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { visitSchemas } from "../schema-visitor.ts";

export interface SchemaConstraintOptions {
  /** Which schemas the rule applies to. */
  readonly when: {
    /** Schemas whose `type` is this. */
    readonly type?: string;
    /** Schemas whose `additionalProperties` is present and not `false`. */
    readonly openAdditionalProperties?: boolean;
  };
  /** At least one of these keywords must be present. */
  readonly anyOf?: readonly string[];
  /** All of these keywords must be present. */
  readonly allOf?: readonly string[];
  /** When `format` is present it must be one of these. */
  readonly formatIn?: readonly string[];
  /** Every matching schema is reported (the construct itself is what the rule forbids). */
  readonly forbid?: string;
}

/**
 * A declarative schema check for the OWASP API Security Top 10 2023 rules CAMARA adopts
 * (Linting-rules.md §5): "Schema of type string must specify maxLength, enum, or const", and so on.
 */
export const schemaConstraint: RulesetFunction<unknown, SchemaConstraintOptions> = (doc, options) => {
  const results: IFunctionResult[] = [];
  visitSchemas(doc, ({ schema, path }) => {
    if (typeof schema.$ref === "string") return;
    const { type, openAdditionalProperties } = options.when;
    if (type !== undefined && schema.type !== type) return;
    if (
      openAdditionalProperties &&
      (schema.additionalProperties === undefined || schema.additionalProperties === false)
    ) {
      return;
    }
    const what = type ? `schema of type ${type}` : "schema with additionalProperties";
    if (options.forbid) {
      results.push({ message: `${what}: ${options.forbid}`, path: [...path] });
      return;
    }
    const anyOf = options.anyOf ?? [];
    if (anyOf.length > 0 && !anyOf.some((k) => k in schema)) {
      results.push({ message: `${what} must specify ${anyOf.join(", or ")}`, path: [...path] });
    }
    const missing = (options.allOf ?? []).filter((k) => !(k in schema));
    if (missing.length > 0) {
      results.push({ message: `${what} must specify ${missing.join(" and ")}`, path: [...path] });
    }
    if (options.formatIn && typeof schema.format === "string" && !options.formatIn.includes(schema.format)) {
      results.push({
        message: `${what} has format ${schema.format}; use ${options.formatIn.join(" or ")}`,
        path: [...path, "format"],
      });
    }
  });
  return results;
};
