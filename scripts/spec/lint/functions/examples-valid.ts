import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { createSchemaValidator, type SchemaValidator } from "camara-webrtc-runtime";
import { describeAjvError, instanceSegments } from "../describe-ajv-error.ts";
import { type DocPath, isObject, pointer } from "../doc-path.ts";
import { collectExamples } from "../example-sites.ts";
import type { SchemaSource } from "../fold-schema.ts";
import { visitSchemas } from "../schema-visitor.ts";
import { walkExample } from "../walk-example.ts";

const API = "linted";

type AjvErrors = NonNullable<ReturnType<SchemaValidator["validateSchema"]>>;
type Outcome = { errors: AjvErrors } | { compileError: string };

/**
 * Validates `data` against a schema written at `source.path`. Schemas reachable by a pointer into
 * components.schemas are validated by that pointer, so that ajv compiles them with the document as
 * base: ajv-core's discriminator looks mapped schemas up relative to the base of the schema being
 * compiled, and an inline schema has its own.
 */
function check(validator: SchemaValidator, source: SchemaSource, data: unknown): Outcome | null {
  const { schema, path } = source;
  try {
    let errors: AjvErrors | null;
    if (
      isObject(schema) &&
      typeof schema.$ref === "string" &&
      schema.$ref.startsWith("#/components/schemas/")
    ) {
      errors = validator.validate(API, schema.$ref, data);
    } else if (path[0] === "components" && path[1] === "schemas") {
      errors = validator.validate(API, `#${pointer(path)}`, data);
    } else if (isObject(schema)) {
      const { example: _example, ...rest } = schema;
      errors = validator.validateSchema(API, rest, data);
    } else {
      return null;
    }
    return errors ? { errors } : null;
  } catch (error) {
    return { compileError: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Errors of an invalid example, each placed as deep in the example as possible. ajv loses the
 * path of errors found behind a discriminator (the mapped schema validates the same object
 * again), so every object of the example is also validated on its own against the schemas that
 * apply to it; an error also found deeper is kept only where it is deepest.
 */
function locate(doc: unknown, validator: SchemaValidator, source: SchemaSource, value: unknown) {
  const failing: { dataPath: DocPath; errors: AjvErrors }[] = [];
  walkExample(doc, [source], value, (node) => {
    if (typeof node.data !== "object" || node.data === null) return;
    const errors = node.sources.flatMap((s) => {
      const outcome = check(validator, s, node.data);
      return outcome && "errors" in outcome ? outcome.errors : [];
    });
    if (errors.length > 0) failing.push({ dataPath: node.dataPath, errors });
  });
  const key = (e: AjvErrors[number]) => `${e.keyword} ${JSON.stringify(e.params)}`;
  const under = (inner: DocPath, outer: DocPath) =>
    inner.length > outer.length && outer.every((s, i) => inner[i] === s);
  const located = new Map<string, { target: DocPath; message: string }>();
  for (const f of failing) {
    const deeper = failing.filter((g) => under(g.dataPath, f.dataPath)).flatMap((g) => g.errors.map(key));
    for (const e of f.errors) {
      if (deeper.includes(key(e))) continue;
      const target = [...f.dataPath, ...instanceSegments(e.instancePath)];
      const message = describeAjvError({ ...e, instancePath: "" }, target.join("."));
      located.set(`${pointer(target)} ${message}`, { target, message });
    }
  }
  return [...located.values()];
}

/**
 * Every example (request and response bodies, parameters, headers, callbacks, and schema
 * `example`s) must be an instance of its schema, checked with the project's ajv core, which
 * follows `discriminator.mapping` (Spectral's oas3-valid-*-example rules do not).
 */
export const examplesValid: RulesetFunction<unknown, unknown> = (doc) => {
  if (!isObject(doc)) return [];
  const validator = createSchemaValidator({ [API]: doc });
  const results = new Map<string, IFunctionResult & { uses: string[] }>();
  const report = (path: DocPath, text: (uses: string) => string, use: string) => {
    const key = `${pointer(path)} ${text("")}`;
    const entry = results.get(key) ?? { message: "", path: [...path], uses: [] };
    if (!entry.uses.includes(use)) entry.uses.push(use);
    entry.message = text(entry.uses.join("; "));
    results.set(key, entry);
  };
  for (const site of collectExamples(doc)) {
    for (const use of site.uses) {
      if (!isObject(use.schema)) continue;
      const outcome = check(validator, { schema: use.schema, path: use.schemaPath }, site.value);
      if (!outcome) continue;
      if ("compileError" in outcome) {
        report(
          use.schemaPath,
          () => `The schema of ${use.label} cannot be compiled: ${outcome.compileError}`,
          use.label,
        );
        continue;
      }
      const byTarget = new Map<string, { target: DocPath; messages: string[] }>();
      for (const { target, message } of locate(
        doc,
        validator,
        { schema: use.schema, path: use.schemaPath },
        site.value,
      )) {
        const entry = byTarget.get(pointer(target)) ?? { target, messages: [] };
        entry.messages.push(message);
        byTarget.set(pointer(target), entry);
      }
      if (byTarget.size === 0) {
        // The walk found nothing (e.g. a scalar example): report ajv's errors at the example.
        byTarget.set("", { target: [], messages: outcome.errors.map((e) => describeAjvError(e)) });
      }
      for (const { target, messages } of byTarget.values()) {
        report(
          [...site.valuePath, ...target],
          (uses) =>
            `Example "${site.name}" does not match its schema (${uses}): ${messages.slice(0, 3).join("; ")}`,
          use.label,
        );
      }
    }
  }
  visitSchemas(doc, (node) => {
    const example = node.schema.example;
    if (example === undefined || typeof node.schema.$ref === "string") return;
    const outcome = check(validator, { schema: node.schema, path: node.path }, example);
    if (!outcome) return;
    const message =
      "compileError" in outcome
        ? `The schema cannot be compiled: ${outcome.compileError}`
        : `Schema example ${JSON.stringify(example)} does not match its schema: ${outcome.errors
            .slice(0, 3)
            .map((e) => describeAjvError(e))
            .join("; ")}`;
    report([...node.path, "example"], () => message, "schema");
  });
  return [...results.values()].map(({ message, path }) => ({ message, path }));
};
