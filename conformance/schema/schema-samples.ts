import type { OpenApiValidator } from "./ajv-openapi.ts";
import { type SampleOptions, sampleSchema } from "./schema-sampler.ts";
import type { Random } from "./seeded-random.ts";

/** An API's effective spec and the validator that knows it. */
export interface SchemaContext {
  readonly api: string;
  readonly document: object;
  readonly validator: OpenApiValidator;
}

const ATTEMPTS = 12;

/**
 * A value that complies with `schema`, drawn deterministically from `random`: the first of a few
 * sampled candidates that the validator accepts, else the schema's own `example` when that complies.
 * @throws Error naming the schema's problems when neither works (a schema the sampler cannot serve).
 */
export function compliantSample(
  context: SchemaContext,
  schema: object,
  random: Random,
  options: SampleOptions = {},
): unknown {
  let lastProblems = "";
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const candidate = sampleSchema(context.document, schema, random.fork(`attempt-${attempt}`), options);
    const problems = context.validator.validate(context.api, schema, candidate);
    if (problems.length === 0) return candidate;
    lastProblems = problems.map((p) => `${p.at} ${p.message}`).join("; ");
  }
  const example = (schema as { example?: unknown }).example;
  if (example !== undefined && context.validator.validate(context.api, schema, example).length === 0) {
    return example;
  }
  throw new Error(`Could not generate a value compliant with ${JSON.stringify(schema)}: ${lastProblems}`);
}

/**
 * A value that does NOT comply with `schema`, derived from a compliant one by the first mutation the
 * validator rejects: a required property of the wrong type, a required property removed, a wrong
 * top-level type.
 */
export function nonCompliantSample(context: SchemaContext, schema: object, random: Random): unknown {
  // Every declared property, so that there is something to break even when none is required.
  const valid = compliantSample(context, schema, random, { properties: "all" });
  const candidates: unknown[] = [];
  if (typeof valid === "object" && valid !== null && !Array.isArray(valid)) {
    const entries = Object.entries(valid as Record<string, unknown>);
    for (const [name, value] of entries) candidates.push({ ...valid, [name]: wrongType(value) });
    for (const [name] of entries) {
      const { [name]: _removed, ...rest } = valid as Record<string, unknown>;
      candidates.push(rest);
    }
  }
  candidates.push(wrongType(valid), []);
  const invalid = candidates.find((c) => context.validator.validate(context.api, schema, c).length > 0);
  if (invalid === undefined) throw new Error(`Every value complies with ${JSON.stringify(schema)}`);
  return invalid;
}

function wrongType(value: unknown): unknown {
  if (typeof value === "string") return 12345;
  if (typeof value === "number" || typeof value === "boolean") return "not-a-number";
  return "not-an-object";
}
