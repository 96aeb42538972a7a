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
 * is as deep as the body; the body's depth is limited before this runs (json-body.ts).
 */
type Schema = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The schema a local `$ref` (`#/components/schemas/X`) points at. */
function resolveRef(spec: object, ref: string): Schema | undefined {
  if (!ref.startsWith("#/")) return undefined;
  const target = ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), spec);
  return isObject(target) ? target : undefined;
}

interface Shape {
  readonly properties: Map<string, Schema[]>;
  /** Schemas for members not in `properties`; `true` keeps them as they are. */
  readonly additional: (Schema | true)[];
  readonly items: Schema[];
  declared: boolean;
}

/** Gathers what the schemas applying to `data` say about its members. */
function collect(spec: object, schema: unknown, data: unknown, shape: Shape, seen: Set<string>): void {
  if (!isObject(schema)) return;
  if (typeof schema.$ref === "string") {
    if (seen.has(schema.$ref)) return;
    seen.add(schema.$ref);
    collect(spec, resolveRef(spec, schema.$ref), data, shape, seen);
    return;
  }
  if (isObject(schema.properties)) {
    shape.declared = true;
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (!isObject(sub)) continue;
      const list = shape.properties.get(name) ?? [];
      list.push(sub);
      shape.properties.set(name, list);
    }
  }
  if (schema.additionalProperties !== undefined) {
    shape.declared = true;
    if (schema.additionalProperties === true) shape.additional.push(true);
    else if (isObject(schema.additionalProperties)) shape.additional.push(schema.additionalProperties);
  }
  if (isObject(schema.items)) shape.items.push(schema.items);
  for (const key of ["allOf", "oneOf", "anyOf"])
    for (const sub of Array.isArray(schema[key]) ? (schema[key] as unknown[]) : [])
      collect(spec, sub, data, shape, seen);
  const discriminator = schema.discriminator;
  if (isObject(discriminator) && typeof discriminator.propertyName === "string" && isObject(data)) {
    const value = data[discriminator.propertyName];
    const mapping = isObject(discriminator.mapping) ? discriminator.mapping : {};
    const ref = typeof value === "string" ? mapping[value] : undefined;
    if (typeof ref === "string") collect(spec, { $ref: ref }, data, shape, seen);
  }
}

/** `data` pruned to what `schema` (resolved against `spec`) declares; see the module comment. */
export function knownMembers(spec: object, schema: object, data: unknown): unknown {
  if (typeof data !== "object" || data === null) return data;
  const shape: Shape = { properties: new Map(), additional: [], items: [], declared: false };
  collect(spec, schema, data, shape, new Set());
  if (Array.isArray(data)) {
    const items = { allOf: shape.items };
    return shape.items.length === 0 ? data : data.map((item) => knownMembers(spec, items, item));
  }
  if (!shape.declared) return data;
  const out: Record<string, unknown> = {};
  // defineProperty, not assignment: a member named __proto__ stays a member.
  const keep = (name: string, value: unknown) =>
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  for (const [name, value] of Object.entries(data)) {
    const declared = shape.properties.get(name);
    if (declared) keep(name, knownMembers(spec, { allOf: declared }, value));
    else if (shape.additional.includes(true)) keep(name, value);
    else if (shape.additional.length > 0)
      keep(name, knownMembers(spec, { allOf: shape.additional as Schema[] }, value));
  }
  return out;
}
