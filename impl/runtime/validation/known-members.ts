/**
 * A copy of a (validated) request body holding only the members its schema declares, so that what
 * a client adds beyond the contract is neither stored nor echoed. The rules, per JSON object:
 *
 * - members named in `properties` (of the schema and of everything it combines with `allOf`,
 *   `oneOf`, `anyOf`, or reaches through a `discriminator` mapping for the value the object has)
 *   are kept, each pruned by its own schemas;
 * - other members are kept only where a schema gives `additionalProperties` a schema or `true`:
 *   there the names are data (in r2.2 only `HTTPSettings.headers`, a header map);
 * - an object whose schemas declare neither is free-form and kept whole.
 *
 * Self-contained (imports nothing from impl/), like ajv-core.ts. Recursion follows the schema, so it
 * is as deep as the body; the body's depth is limited before this runs (json-body.ts). What a schema
 * declares is worked out once per schema and discriminator choice, then cached: a request pays for
 * copying its members, not for walking the spec.
 */
type Schema = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What the schemas applying to an object declare, each member's schemas combined into one. */
interface Compiled {
  readonly properties: ReadonlyMap<string, Schema>;
  /** The schema of members not in `properties`; `true` keeps them as they are; none drops them. */
  readonly additional: Schema | true | undefined;
  readonly items: Schema | undefined;
  /** False for a free-form object (no `properties`, no `additionalProperties`): kept whole. */
  readonly declared: boolean;
}

interface Discriminator {
  readonly propertyName: string;
  readonly mapping: Readonly<Record<string, unknown>>;
}

/** Per spec: resolved refs, the discriminators each schema reaches, compiled shapes. */
interface SpecCache {
  readonly refs: Map<string, Schema | undefined>;
  readonly discriminators: WeakMap<object, readonly Discriminator[]>;
  readonly compiled: WeakMap<object, Map<string, Compiled>>;
}
const caches = new WeakMap<object, SpecCache>();

function cacheOf(spec: object): SpecCache {
  let cache = caches.get(spec);
  if (!cache) {
    cache = { refs: new Map(), discriminators: new WeakMap(), compiled: new WeakMap() };
    caches.set(spec, cache);
  }
  return cache;
}

/** The schema a local `$ref` (`#/components/schemas/X`) points at. */
function resolveRef(spec: object, ref: string): Schema | undefined {
  const { refs } = cacheOf(spec);
  if (refs.has(ref)) return refs.get(ref);
  const target = ref.startsWith("#/")
    ? ref
        .slice(2)
        .split("/")
        .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), spec)
    : undefined;
  const schema = isObject(target) ? target : undefined;
  refs.set(ref, schema);
  return schema;
}

/** The schemas `schema` applies through `$ref`, `allOf`, `oneOf` and `anyOf` (itself included). */
function applied(spec: object, schema: unknown, out: Schema[] = [], seen = new Set<unknown>()): Schema[] {
  if (!isObject(schema) || seen.has(schema)) return out;
  seen.add(schema);
  if (typeof schema.$ref === "string") return applied(spec, resolveRef(spec, schema.$ref), out, seen);
  out.push(schema);
  for (const key of ["allOf", "oneOf", "anyOf"])
    for (const sub of Array.isArray(schema[key]) ? (schema[key] as unknown[]) : [])
      applied(spec, sub, out, seen);
  return out;
}

/** The discriminators `schema` reaches without following a mapping (cached). */
function discriminatorsOf(spec: object, schema: object): readonly Discriminator[] {
  const cache = cacheOf(spec).discriminators;
  let found = cache.get(schema);
  if (!found) {
    found = applied(spec, schema).flatMap((s) => {
      const d = s.discriminator;
      if (!isObject(d) || typeof d.propertyName !== "string") return [];
      return [{ propertyName: d.propertyName, mapping: isObject(d.mapping) ? d.mapping : {} }];
    });
    cache.set(schema, found);
  }
  return found;
}

/** The mapped schemas `data`'s discriminator values select, following mapped schemas' own. */
function mappedSchemas(spec: object, schema: object, data: Record<string, unknown>): Schema[] {
  const chosen: Schema[] = [];
  const queue: object[] = [schema];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const d of discriminatorsOf(spec, next)) {
      const value = data[d.propertyName];
      const ref = typeof value === "string" ? d.mapping[value] : undefined;
      const target = typeof ref === "string" ? resolveRef(spec, ref) : undefined;
      if (target && !chosen.includes(target)) {
        chosen.push(target);
        queue.push(target);
      }
    }
  }
  return chosen;
}

/** Combines what `schemas` (and everything they apply) declare about an object's members. */
function compile(spec: object, schemas: readonly Schema[]): Compiled {
  const seen = new Set<unknown>();
  const all = schemas.flatMap((s) => applied(spec, s, [], seen));
  const properties = new Map<string, Schema[]>();
  const additional: Schema[] = [];
  const items: Schema[] = [];
  let open = false;
  let declared = false;
  for (const s of all) {
    if (isObject(s.properties)) {
      declared = true;
      for (const [name, sub] of Object.entries(s.properties))
        if (isObject(sub)) properties.set(name, [...(properties.get(name) ?? []), sub]);
    }
    if (s.additionalProperties !== undefined) declared = true;
    if (s.additionalProperties === true) open = true;
    else if (isObject(s.additionalProperties)) additional.push(s.additionalProperties);
    if (isObject(s.items)) items.push(s.items);
  }
  const combined = (list: Schema[]): Schema => (list.length === 1 && list[0] ? list[0] : { allOf: list });
  return {
    properties: new Map([...properties].map(([name, list]) => [name, combined(list)])),
    additional: open ? true : additional.length > 0 ? combined(additional) : undefined,
    items: items.length > 0 ? combined(items) : undefined,
    declared,
  };
}

/** The compiled shape of `schema` for `data` (its discriminator choice), from the cache. */
function compiledFor(spec: object, schema: object, data: unknown): Compiled {
  const cache = cacheOf(spec).compiled;
  let byChoice = cache.get(schema);
  if (!byChoice) {
    byChoice = new Map();
    cache.set(schema, byChoice);
  }
  // Only values a mapping names make a difference, so the choices (and the cache) are bounded.
  const mapped = isObject(data) ? mappedSchemas(spec, schema, data) : [];
  const choice = mapped.map(idOf).join(",");
  let compiled = byChoice.get(choice);
  if (!compiled) {
    compiled = compile(spec, [schema as Schema, ...mapped]);
    byChoice.set(choice, compiled);
  }
  return compiled;
}

const ids = new WeakMap<object, number>();
let nextId = 0;
function idOf(schema: object): number {
  let id = ids.get(schema);
  if (id === undefined) {
    id = nextId++;
    ids.set(schema, id);
  }
  return id;
}

/** `data` pruned to what `schema` (resolved against `spec`) declares; see the module comment. */
export function knownMembers(spec: object, schema: object, data: unknown): unknown {
  if (typeof data !== "object" || data === null) return data;
  const compiled = compiledFor(spec, schema, data);
  if (Array.isArray(data)) {
    const { items } = compiled;
    return items ? data.map((item) => knownMembers(spec, items, item)) : data;
  }
  if (!compiled.declared) return data;
  const out: Record<string, unknown> = {};
  const keep = (name: string, value: unknown) => {
    // A member named __proto__ stays a member (assigning it would set the prototype).
    if (name === "__proto__")
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    else out[name] = value;
  };
  for (const name in data) {
    if (!Object.hasOwn(data, name)) continue;
    const value = (data as Record<string, unknown>)[name];
    const declared = compiled.properties.get(name);
    if (declared) keep(name, knownMembers(spec, declared, value));
    else if (compiled.additional === true) keep(name, value);
    else if (compiled.additional) keep(name, knownMembers(spec, compiled.additional, value));
  }
  return out;
}
