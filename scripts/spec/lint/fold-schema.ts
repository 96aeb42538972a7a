import { type DocPath, isObject, resolve } from "./doc-path.ts";

/** A schema object as written, with where it is written. */
export interface SchemaSource {
  readonly schema: unknown;
  readonly path: DocPath;
}

/** The object shape a schema and all its `allOf` branches describe together. */
export interface FoldedSchema {
  /** Each property's schemas, from every branch that declares it (all of them apply). */
  readonly properties: Map<string, SchemaSource[]>;
  /** Every `required` entry, with the location of the entry itself. */
  readonly required: { name: string; path: DocPath }[];
  /** `false` if any branch closes the object, else the first schema or `true` given, else undefined. */
  additionalProperties: SchemaSource | undefined;
  discriminator: { propertyName: string; mapping: Record<string, string>; path: DocPath } | undefined;
  readonly items: SchemaSource[];
  readonly types: Set<string>;
  /** `$ref`s followed while folding (the named schemas this shape is made of). */
  readonly refs: Set<string>;
  /** The `$ref` each folded source starts with (its named schema), in the order given. */
  readonly names: string[];
  /** `$ref`s that lead nowhere. */
  readonly unresolved: { ref: string; path: DocPath }[];
  /** True when a branch uses `oneOf`/`anyOf`/`not`: the shape is only partly known. */
  alternatives: boolean;
}

export function emptyFold(): FoldedSchema {
  return {
    properties: new Map(),
    required: [],
    additionalProperties: undefined,
    discriminator: undefined,
    items: [],
    types: new Set(),
    refs: new Set(),
    names: [],
    unresolved: [],
    alternatives: false,
  };
}

function foldInto(doc: unknown, source: SchemaSource, out: FoldedSchema): void {
  const raw = source.schema;
  const resolved = resolve(doc, raw, source.path);
  if (resolved.value === undefined) {
    if (isObject(raw) && typeof raw.$ref === "string")
      out.unresolved.push({ ref: raw.$ref, path: source.path });
    return;
  }
  const fresh = resolved.refs.filter((r) => !out.refs.has(r));
  if (resolved.refs.length > 0 && fresh.length === 0) return; // already folded in (or a cycle)
  for (const r of fresh) out.refs.add(r);
  const schema = resolved.value;
  if (!isObject(schema)) return;
  const at = resolved.path;
  if (typeof schema.type === "string") out.types.add(schema.type);
  if (isObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      const list = out.properties.get(name) ?? [];
      list.push({ schema: sub, path: [...at, "properties", name] });
      out.properties.set(name, list);
    }
  }
  if (Array.isArray(schema.required)) {
    schema.required.forEach((name, i) => {
      if (typeof name === "string") out.required.push({ name, path: [...at, "required", i] });
    });
  }
  if (schema.additionalProperties !== undefined) {
    const ap = { schema: schema.additionalProperties, path: [...at, "additionalProperties"] };
    if (schema.additionalProperties === false || out.additionalProperties === undefined) {
      out.additionalProperties = ap;
    }
  }
  if (schema.items !== undefined) out.items.push({ schema: schema.items, path: [...at, "items"] });
  if (isObject(schema.discriminator) && typeof schema.discriminator.propertyName === "string") {
    out.discriminator ??= {
      propertyName: schema.discriminator.propertyName,
      mapping: isObject(schema.discriminator.mapping)
        ? (schema.discriminator.mapping as Record<string, string>)
        : {},
      path: [...at, "discriminator"],
    };
  }
  if (schema.oneOf !== undefined || schema.anyOf !== undefined || schema.not !== undefined) {
    out.alternatives = true;
  }
  if (Array.isArray(schema.allOf)) {
    schema.allOf.forEach((branch, i) => {
      foldInto(doc, { schema: branch, path: [...at, "allOf", i] }, out);
    });
  }
}

/**
 * Folds schemas that all apply to one value (a schema, its `$ref` targets and `allOf` branches,
 * recursively) into one shape, remembering where each property and `required` entry is written.
 * `oneOf`/`anyOf` branches are not entered; `alternatives` says they exist.
 */
export function foldSchema(doc: unknown, ...sources: SchemaSource[]): FoldedSchema {
  const out = emptyFold();
  for (const source of sources) {
    const first = resolve(doc, source.schema, source.path).refs[0];
    if (first !== undefined) out.names.push(first);
    foldInto(doc, source, out);
  }
  return out;
}
