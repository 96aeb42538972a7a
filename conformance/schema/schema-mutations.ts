/**
 * Negative inputs generated from an OpenAPI 3.0 schema: a valid "maximal" instance (every optional
 * property filled in), and one mutated body per violation of a keyword the schema states (required,
 * type, pattern, format, enum, minItems/maxItems, minimum/maximum, minLength/maxLength), at every
 * depth. `$ref`, `allOf` and discriminator mappings are followed. Test tooling only: it knows the
 * keywords the CAMARA WebRTC specs use, not all of JSON Schema.
 *
 * Used by the gateway's negative battery (impl/http/negative-input.test.ts) and the conformance
 * suite's fuzz phase (conformance/fuzz/). Pure code without imports, so that impl/'s tests may use
 * it (the layer rules let them reach conformance/sink and conformance/schema/schema-mutations.ts only).
 */

type Json = unknown;
type Schema = { readonly [keyword: string]: unknown };
export type JsonPath = readonly (string | number)[];

/** A schema with `$ref`s and `allOf` merged into one level; property schemas stay unresolved. */
export interface FlatSchema {
  type?: string;
  properties: Record<string, Schema>;
  required: string[];
  additionalProperties?: Schema;
  items?: Schema;
  enum?: readonly unknown[];
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  example?: unknown;
}

export interface BodyMutation {
  /** What was done, e.g. `wrong JSON type (number) at body.config.subscriptionMaxEvents`. */
  readonly name: string;
  readonly path: JsonPath;
  readonly body: Json;
}

const SCALAR_KEYWORDS = [
  "type",
  "enum",
  "pattern",
  "format",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "items",
  "example",
] as const;

/** The object a local `$ref` (`#/components/schemas/X`) points to. */
export function resolveRef(spec: object, ref: string): Schema {
  const target = ref
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], spec);
  if (typeof target !== "object" || target === null) throw new Error(`Unresolvable $ref ${ref}`);
  return target as Schema;
}

/**
 * Merges `schema` with everything it reaches through `$ref` and `allOf`, and, when `instance`
 * names a discriminator value with a mapping, with the mapped schema too.
 */
export function flatten(spec: object, schema: Schema, instance?: Json): FlatSchema {
  const out: FlatSchema = { properties: {}, required: [] };
  const seen = new Set<string>();
  const visit = (s: Schema): void => {
    if (typeof s.$ref === "string") {
      if (seen.has(s.$ref)) return;
      seen.add(s.$ref);
      visit(resolveRef(spec, s.$ref));
      return;
    }
    const target = out as unknown as Record<string, unknown>;
    for (const k of SCALAR_KEYWORDS) if (s[k] !== undefined && target[k] === undefined) target[k] = s[k];
    if (typeof s.additionalProperties === "object" && s.additionalProperties !== null) {
      out.additionalProperties = s.additionalProperties as Schema;
    }
    for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
      const existing = out.properties[name];
      out.properties[name] = existing ? { allOf: [existing, prop] } : prop;
    }
    for (const r of (s.required ?? []) as string[]) if (!out.required.includes(r)) out.required.push(r);
    for (const branch of (s.allOf ?? []) as Schema[]) visit(branch);
    const d = s.discriminator as { propertyName: string; mapping?: Record<string, string> } | undefined;
    const value = isObject(instance) ? instance[d?.propertyName ?? ""] : undefined;
    const mapped = d?.mapping && typeof value === "string" ? d.mapping[value] : undefined;
    if (mapped) visit({ $ref: mapped });
  };
  visit(schema);
  if (out.type === undefined && Object.keys(out.properties).length > 0) out.type = "object";
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const FUTURE = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 15, 12)).toISOString();
/** Valid strings tried in order for a `pattern` without a matching `example`. */
const PATTERN_CANDIDATES = ["tel:+34600000009", "https://127.0.0.1:9443/sink", "+34600000009", "sample"];

function sampleScalar(flat: FlatSchema): Json {
  if (flat.enum && flat.enum.length > 0) return flat.enum[0];
  if (flat.type === "string" || flat.type === undefined) {
    const fits = (v: unknown) =>
      typeof v === "string" && (!flat.pattern || new RegExp(flat.pattern, "u").test(v));
    const byFormat: Record<string, string> = {
      uuid: "3f9e0c57-0f6b-4b8a-9c53-2f7d3c1b5a11",
      "date-time": FUTURE,
      uri: "https://127.0.0.1:9443/sink",
    };
    const fallback = flat.pattern ? PATTERN_CANDIDATES : ["sample"];
    const candidates = [flat.format ? byFormat[flat.format] : undefined, flat.example, ...fallback];
    const found = candidates.find(fits);
    if (found === undefined) throw new Error(`No sample string for pattern ${flat.pattern}`);
    return found;
  }
  if (flat.type === "integer" || flat.type === "number") {
    return typeof flat.example === "number" ? flat.example : (flat.minimum ?? 1);
  }
  if (flat.type === "boolean") return typeof flat.example === "boolean" ? flat.example : true;
  throw new Error(`No sample for type ${flat.type}`);
}

/**
 * A valid instance of `schema` holding every property the schema names: `seed`'s values win and
 * the rest is generated (enum → first value, format → a valid value, pattern → the example or a
 * known fitting string, additionalProperties → one `x-sample` entry).
 */
export function maximalInstance(spec: object, schema: Schema, seed?: Json): Json {
  return instance(spec, schema, seed, false);
}

/** A valid instance of `schema` with its required properties only (at every depth). */
export function minimalInstance(spec: object, schema: Schema): Json {
  return instance(spec, schema, undefined, true);
}

function instance(spec: object, schema: Schema, seed: Json, requiredOnly: boolean): Json {
  let flat = flatten(spec, schema, seed);
  if (flat.type === "object") {
    const obj: Record<string, Json> = isObject(seed) ? { ...seed } : {};
    // Twice: the first pass may set a discriminator whose mapped schema adds properties.
    for (let pass = 0; pass < 2; pass++) {
      for (const [name, prop] of Object.entries(flat.properties)) {
        if (requiredOnly && !flat.required.includes(name)) continue;
        obj[name] = instance(spec, prop, obj[name], requiredOnly);
      }
      flat = flatten(spec, schema, obj);
    }
    if (!requiredOnly && flat.additionalProperties && Object.keys(obj).length === 0) {
      obj["x-sample"] = instance(spec, flat.additionalProperties, undefined, false);
    }
    return obj;
  }
  if (flat.type === "array") {
    const items = flat.items ?? {};
    if (Array.isArray(seed)) return seed.map((el) => instance(spec, items, el, requiredOnly));
    return Array.from({ length: Math.max(1, flat.minItems ?? 1) }, () =>
      instance(spec, items, undefined, requiredOnly),
    );
  }
  return seed !== undefined ? seed : sampleScalar(flat);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function getAt(root: Json, path: JsonPath): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json> | undefined)?.[key], root);
}

/** `seed` with the ancestors of `path` taken from `maximal` where the seed lacks them. */
function materialize(seed: Json, maximal: Json, path: JsonPath): Record<string | number, Json> {
  const root = clone(seed) as Record<string | number, Json>;
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    if (node[key] === undefined) node[key] = clone(getAt(maximal, path.slice(0, i + 1)));
    node = node[key] as Record<string | number, Json>;
  }
  return root;
}

function withValue(seed: Json, maximal: Json, path: JsonPath, value: Json): Json {
  const root = materialize(seed, maximal, path);
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path[path.length - 1] as string | number] = value;
  return root;
}

function without(seed: Json, maximal: Json, path: JsonPath): Json {
  const root = materialize(seed, maximal, path);
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>;
  delete parent[path[path.length - 1] as string | number];
  return root;
}

export function describePath(path: JsonPath): string {
  return ["body", ...path].join(".");
}

/** A string the regex refuses, or undefined when every candidate matches. */
export function notMatching(pattern: string): string | undefined {
  const re = new RegExp(pattern, "u");
  return ["not matching ✗", "", " ", "!!", "x".repeat(300)].find((c) => !re.test(c));
}

const BAD_FORMAT: Record<string, string> = {
  uuid: "not-a-uuid",
  "date-time": "2024-13-45T99:99:99Z",
  uri: "not a uri",
  "uri-reference": "\\\\ not a reference",
};

/** Size of the oversized-string case: above the gateway's 256 KB body limit. */
export const OVERSIZED_BYTES = 300 * 1024;

/**
 * One body per violation of every keyword `schema` states, at every depth, each starting from
 * `seed` (a valid body; default: the minimal instance) with only the ancestors of the mutated
 * property added.
 */
export function bodyMutations(spec: object, schema: Schema, seedBody?: Json): BodyMutation[] {
  const seed = seedBody === undefined ? minimalInstance(spec, schema) : seedBody;
  const maximal = maximalInstance(spec, schema, seed);
  const out: BodyMutation[] = [];
  const add = (what: string, path: JsonPath, body: Json) =>
    out.push({ name: `${what} at ${describePath(path)}`, path, body });

  const walk = (s: Schema, path: JsonPath): void => {
    const value = getAt(maximal, path);
    const flat = flatten(spec, s, value);
    if (path.length > 0) mutateValue(flat, path);
    if (flat.type === "object") {
      for (const r of flat.required)
        if (isObject(value) && r in value)
          add("missing required property", [...path, r], without(seed, maximal, [...path, r]));
      for (const [name, prop] of Object.entries(flat.properties)) walk(prop, [...path, name]);
      if (flat.additionalProperties && isObject(value) && "x-sample" in value) {
        walk(flat.additionalProperties, [...path, "x-sample"]);
      }
    } else if (flat.type === "array" && flat.items) {
      walk(flat.items, [...path, 0]);
    }
  };

  const mutateValue = (flat: FlatSchema, path: JsonPath): void => {
    const set = (what: string, v: Json) => add(what, path, withValue(seed, maximal, path, v));
    const wrong: Record<string, [string, Json]> = {
      string: ["number", 12345],
      integer: ["string", "12345"],
      number: ["string", "12345"],
      boolean: ["string", "true"],
      object: ["string", "not-an-object"],
      array: ["object", { "0": "not-an-array" }],
    };
    const [label, bad] = wrong[flat.type ?? "string"] ?? ["number", 12345];
    set(`wrong JSON type (${label})`, bad);
    set("wrong JSON type (null)", null);
    if (flat.type === "integer") set("wrong JSON type (fraction)", 1.5);
    if (flat.pattern) {
      const v = notMatching(flat.pattern);
      if (v !== undefined) set(`pattern violation (${JSON.stringify(v.slice(0, 20))})`, v);
    }
    const badFormat = flat.format ? BAD_FORMAT[flat.format] : undefined;
    if (badFormat !== undefined) set(`format violation (${flat.format})`, badFormat);
    if (flat.enum) set("enum violation", "NOT_A_DOCUMENTED_VALUE");
    const item = (getAt(maximal, path) as Json[] | undefined)?.[0];
    if (flat.minItems !== undefined && flat.minItems > 0) {
      set(`minItems violation (${flat.minItems - 1} items)`, Array(flat.minItems - 1).fill(item));
    }
    if (flat.maxItems !== undefined) {
      const others = flatten(spec, flat.items ?? {}).enum ?? [item];
      const items = Array.from({ length: flat.maxItems + 1 }, (_, i) => others[i % others.length]);
      set(`maxItems violation (${flat.maxItems + 1} items)`, items);
    }
    if (flat.minimum !== undefined) set(`minimum violation (${flat.minimum - 1})`, flat.minimum - 1);
    if (flat.maximum !== undefined) set(`maximum violation (${flat.maximum + 1})`, flat.maximum + 1);
    if (flat.minLength !== undefined && flat.minLength > 0) set("minLength violation", "");
    if (flat.maxLength !== undefined) set("maxLength violation", "x".repeat(flat.maxLength + 1));
    if (flat.type === "string" || (flat.type === undefined && !flat.enum)) {
      set(`oversized string (${OVERSIZED_BYTES / 1024} KB)`, "x".repeat(OVERSIZED_BYTES));
    }
  };

  walk(schema, []);
  return out;
}

/**
 * The `code` values a documented error response schema allows (its `properties.code.enum`,
 * through `$ref` and `allOf`); empty when the schema names none.
 */
export function documentedErrorCodes(spec: object, schema: Schema | undefined): string[] {
  if (!schema) return [];
  const code = flatten(spec, schema).properties.code;
  return code ? [...((flatten(spec, code).enum ?? []) as string[])] : [];
}
