import { Ajv, type AnySchemaObject, type ErrorObject, type SchemaObjCxt, type ValidateFunction } from "ajv";
import type { DataValidateFunction } from "ajv/dist/types/index.js";
import addFormats from "ajv-formats";

/**
 * The one JSON Schema engine of the project, for OpenAPI 3.0 documents: ajv with ajv-formats, the
 * OpenAPI keywords registered, and a `discriminator` that enforces `mapping`, which ajv's own
 * option rejects and express-openapi-validator skips when reached through `allOf`.
 *
 * Self-contained on purpose (it imports nothing from impl/), so that the conformance suite can
 * load it without depending on the gateway.
 */
export interface SchemaValidator {
  /** Validates `data` against the schema at `pointer` (e.g. `#/components/schemas/Foo`) of `api`. */
  validate(api: string, pointer: string, data: unknown): SchemaErrors | null;
  /** Validates `data` against an inline schema whose `$ref`s resolve against `api`'s spec. */
  validateSchema(api: string, schema: object, data: unknown): SchemaErrors | null;
}

export type SchemaErrors = ErrorObject[];

/** OpenAPI 3.0 annotation keywords, and `components`, the container refs point into. */
const ANNOTATIONS = ["example", "externalDocs", "xml", "components"];

interface Discriminator {
  propertyName: string;
  mapping?: Record<string, string>;
}

/** `(data, mapped ref)` pairs being validated, so that a mapped schema `allOf`-ing its parent stops. */
const active: { data: unknown; ref: string }[] = [];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function createSchemaValidator(specs: Record<string, object>): SchemaValidator {
  const ajv = new Ajv({
    strict: true,
    strictTypes: false,
    strictRequired: false,
    allErrors: true,
    validateFormats: true,
  });
  addFormats.default(ajv);
  ajv.addVocabulary(ANNOTATIONS);
  // `nullable` (OpenAPI 3.0 §4.7.24) is built into ajv 8; `discriminator` is ours, below.
  ajv.addKeyword({
    keyword: "discriminator",
    schemaType: "object",
    errors: true,
    compile(schema: Discriminator, _parent: AnySchemaObject, it: SchemaObjCxt) {
      const base = String(it.baseId ?? "").replace(/#.*$/, "");
      const check: DataValidateFunction = (data: unknown): boolean => {
        check.errors = undefined;
        if (!isObject(data)) return true;
        const value = data[schema.propertyName];
        if (typeof value !== "string") return true; // `required` reports the missing property.
        const ref = schema.mapping?.[value] ?? `#/components/schemas/${value}`;
        if (active.some((a) => a.data === data && a.ref === ref)) return true;
        const validate = ajv.getSchema(ref.startsWith("#") ? `${base}${ref}` : ref);
        if (!validate) {
          check.errors = [
            {
              keyword: "discriminator",
              instancePath: "",
              schemaPath: "#/discriminator",
              params: { propertyName: schema.propertyName, value },
              message: `${schema.propertyName} "${value}" maps to no schema`,
            },
          ];
          return false;
        }
        active.push({ data, ref });
        try {
          if (validate(data)) return true;
          check.errors = validate.errors ?? [];
          return false;
        } finally {
          active.pop();
        }
      };
      return check;
    },
  });
  for (const [api, spec] of Object.entries(specs)) {
    // The whole OpenAPI document is registered under a URN; only the fragments we ask for compile.
    ajv.addSchema(withoutNonSchemaParts(spec, `urn:api:${api}`), `urn:api:${api}`);
  }
  // Keyed by schema object identity (manifest schemas are long-lived), then by API.
  const cache = new WeakMap<object, Map<string, ValidateFunction>>();
  let inlineCount = 0;
  return {
    validate(api, pointer, data) {
      const key = `urn:api:${api}${pointer}`;
      const validate = ajv.getSchema(key);
      if (!validate) throw new Error(`No schema at ${pointer} in ${api}`);
      return validate(data) ? null : (validate.errors ?? []);
    },
    validateSchema(api, schema, data) {
      let byApi = cache.get(schema);
      if (!byApi) {
        byApi = new Map();
        cache.set(schema, byApi);
      }
      let validate = byApi.get(api);
      if (!validate) {
        inlineCount += 1;
        validate = ajv.compile({ $id: `urn:inline:s${inlineCount}`, ...rebase(schema, `urn:api:${api}`) });
        byApi.set(api, validate);
      }
      return validate(data) ? null : (validate.errors ?? []);
    },
  };
}

/**
 * Keeps only `components.schemas` (paths and callbacks hold no JSON Schema keywords), with every
 * discriminator mapping made absolute: ajv inlines small referenced schemas into the schema that
 * uses them, where a relative `#/components/...` would resolve against the wrong document.
 */
function withoutNonSchemaParts(spec: object, base: string): object {
  const components = (spec as { components?: Record<string, unknown> }).components ?? {};
  const schemas = JSON.parse(
    JSON.stringify(components.schemas ?? {}, (key, value: unknown) => {
      if (key !== "mapping" || typeof value !== "object" || value === null) return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, ref]) => [
          k,
          typeof ref === "string" && ref.startsWith("#") ? `${base}${ref}` : ref,
        ]),
      );
    }),
  ) as object;
  return { components: { schemas } };
}

/** Rewrites local `$ref`s of an inline schema so they resolve inside the registered API document. */
function rebase(schema: object, base: string): object {
  return JSON.parse(
    JSON.stringify(schema, (key, value: unknown) =>
      key === "$ref" && typeof value === "string" && value.startsWith("#") ? `${base}${value}` : value,
    ),
  ) as object;
}

/** One readable sentence for a list of ajv errors, e.g. for an INVALID_ARGUMENT message. */
export function describeErrors(errors: SchemaErrors, where = "request body"): string {
  const parts = errors.slice(0, 3).map((e) => {
    const path = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : where;
    return `${path} ${e.message ?? "is invalid"}`;
  });
  return `${parts.join("; ")}.`;
}
