import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { withDiscriminators } from "./discriminator-rewrite.ts";

/**
 * The conformance suite's JSON Schema engine for OpenAPI 3.0 documents: ajv with ajv-formats, the
 * OpenAPI annotation keywords accepted, `nullable` and boolean `exclusiveMinimum/Maximum` handled,
 * and `discriminator` enforced through its `mapping` (a static rewrite, see
 * {@link withDiscriminators}). It knows nothing of any gateway: it reads the effective specs only.
 */
export interface OpenApiValidator {
  /**
   * Problems of `data` against the schema at a JSON pointer of `api`'s spec, e.g.
   * `#/components/schemas/Subscription` (the leading `#` is optional); empty when it complies.
   * @throws Error when the pointer names no schema.
   */
  validateAt(api: string, pointer: string, data: unknown): SchemaProblem[];
  /** Problems of `data` against an inline schema whose local `$ref`s resolve in `api`'s spec. */
  validate(api: string, schema: object, data: unknown): SchemaProblem[];
}

/** One reason a value does not comply, with the location in the value (JSON pointer). */
export interface SchemaProblem {
  readonly at: string;
  readonly message: string;
}

/** OpenAPI 3.0 keywords that are annotations for validation purposes (§4.7.24 Schema Object). */
const ANNOTATION_KEYWORDS = ["example", "externalDocs", "xml", "components", "discriminator"];

/** Normalises `/components/schemas/X` and `#/components/schemas/X` to the latter. */
export function toPointer(reference: string): string {
  const trimmed = reference.trim();
  return trimmed.startsWith("#") ? trimmed : `#${trimmed.startsWith("/") ? "" : "/"}${trimmed}`;
}

/** Builds a validator over the effective specs, keyed by API name. */
export function createOpenApiValidator(specs: Readonly<Record<string, object>>): OpenApiValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
  addFormats.default(ajv);
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  const base = (api: string) => `urn:camara-conformance:${api}`;
  for (const [api, spec] of Object.entries(specs)) {
    const schemas = (spec as { components?: { schemas?: Record<string, object> } }).components?.schemas ?? {};
    ajv.addSchema(toJsonSchema(withDiscriminators(schemas)), base(api));
  }
  const inline = new Map<string, ValidateFunction>();
  return {
    validateAt(api, pointer, data) {
      const validate = ajv.getSchema(`${base(api)}${toPointer(pointer)}`);
      if (!validate) throw new Error(`The ${api} spec has no schema at ${toPointer(pointer)}.`);
      return validate(data) ? [] : problems(validate.errors);
    },
    validate(api, schema, data) {
      const key = `${api}\u0000${JSON.stringify(schema)}`;
      let validate = inline.get(key);
      if (!validate) {
        validate = ajv.compile(toJsonSchema(rebaseRefs(schema, base(api))));
        inline.set(key, validate);
      }
      return validate(data) ? [] : problems(validate.errors);
    },
  };
}

function problems(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  const seen = new Map<string, SchemaProblem>();
  for (const e of errors ?? []) {
    if (e.keyword === "if") continue; // "must match "then" schema": the `then` error says why
    const problem = { at: e.instancePath || "/", message: e.message ?? "is invalid" };
    seen.set(`${problem.at} ${problem.message}`, problem); // allOf branches repeat the same finding
  }
  return [...seen.values()];
}

/** Points local `$ref`s of an inline schema into the registered document of its API. */
function rebaseRefs(schema: object, base: string): object {
  return JSON.parse(
    JSON.stringify(schema, (key, value: unknown) =>
      key === "$ref" && typeof value === "string" && value.startsWith("#") ? `${base}${value}` : value,
    ),
  ) as object;
}

/**
 * OpenAPI 3.0 Schema Object → JSON Schema draft-07 where they differ: `nullable: true` widens the
 * type (§4.7.24 "A true value adds "null" to the allowed types"), boolean `exclusiveMinimum` and
 * `exclusiveMaximum` qualify `minimum` and `maximum`. Extensions (`x-…`) are left for ajv to ignore.
 */
function toJsonSchema(node: unknown): object {
  return JSON.parse(
    JSON.stringify(node, (_key, value: unknown) => {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
      const schema = { ...(value as Record<string, unknown>) };
      if (schema.nullable === true && typeof schema.type === "string") schema.type = [schema.type, "null"];
      delete schema.nullable;
      for (const [flag, bound] of [
        ["exclusiveMinimum", "minimum"],
        ["exclusiveMaximum", "maximum"],
      ] as const) {
        if (typeof schema[flag] === "boolean") {
          if (schema[flag] === true) schema[flag] = schema[bound];
          else delete schema[flag];
          if (schema[flag] !== undefined) delete schema[bound];
        }
      }
      return schema;
    }),
  ) as object;
}
