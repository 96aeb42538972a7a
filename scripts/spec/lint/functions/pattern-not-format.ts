import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { visitSchemas } from "../schema-visitor.ts";

/** Format names of JSON Schema and OpenAPI 3.0 §4.4 that authors write as `pattern` by mistake. */
const FORMATS = new Set([
  "uuid",
  "date-time",
  "date",
  "time",
  "duration",
  "email",
  "idn-email",
  "hostname",
  "idn-hostname",
  "ipv4",
  "ipv6",
  "uri",
  "uri-reference",
  "iri",
  "iri-reference",
  "url",
  "json-pointer",
  "regex",
  "int32",
  "int64",
  "float",
  "double",
  "byte",
  "binary",
  "password",
]);

/**
 * `pattern: uuid` is a regular expression (JSON Schema Validation §6.3.3: "A string instance is
 * considered valid if the regular expression matches the instance successfully"; regexes are not
 * anchored), so it accepts "my-uuid" and rejects every real UUID. A pattern that is a format name
 * almost always means `format:`.
 */
export const patternNotFormat: RulesetFunction<unknown, unknown> = (doc) => {
  const results: IFunctionResult[] = [];
  visitSchemas(doc, ({ schema, path }) => {
    const pattern = schema.pattern;
    if (typeof pattern !== "string" || !FORMATS.has(pattern.trim().toLowerCase())) return;
    results.push({
      message:
        `pattern "${pattern}" is the name of a format, but a pattern is a regular expression: it ` +
        `matches any string containing "${pattern}" and rejects real ${pattern} values; use format: ${pattern}`,
      path: [...path, "pattern"],
    });
  });
  return results;
};
