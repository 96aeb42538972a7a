import { type DocPath, isObject } from "./doc-path.ts";
import { type FoldedSchema, foldSchema, type SchemaSource } from "./fold-schema.ts";

export interface ExampleNode {
  readonly data: unknown;
  /** Path of `data` inside the example value. */
  readonly dataPath: DocPath;
  /** The shape every schema that applies to `data` describes, discriminator mapping followed. */
  readonly folded: FoldedSchema;
  /** The schemas (as written) that apply to `data`, the discriminator's choice included. */
  readonly sources: SchemaSource[];
}

/** The schema a discriminator selects for `data`, when it selects one not already folded in. */
function mappedSource(folded: FoldedSchema, data: unknown): SchemaSource | null {
  const d = folded.discriminator;
  if (!d || !isObject(data)) return null;
  const value = data[d.propertyName];
  if (typeof value !== "string") return null;
  const ref = d.mapping[value] ?? `#/components/schemas/${value}`;
  if (folded.refs.has(ref)) return null;
  return { schema: { $ref: ref }, path: [...d.path, "mapping", value] };
}

/**
 * Walks an example value alongside its schema, calling `visit` for every object and array node
 * the schema describes: declared properties, `additionalProperties` schemas, array items, and the
 * schema a discriminator maps to (OpenAPI 3.0 §4.7.25).
 */
export function walkExample(
  doc: unknown,
  sources: SchemaSource[],
  data: unknown,
  visit: (node: ExampleNode) => void,
  dataPath: DocPath = [],
): void {
  let folded = foldSchema(doc, ...sources);
  const mapped = mappedSource(folded, data);
  const applied = mapped ? [...sources, mapped] : sources;
  if (mapped) folded = foldSchema(doc, ...applied);
  visit({ data, dataPath, folded, sources: applied });
  if (Array.isArray(data)) {
    if (folded.items.length === 0) return;
    data.forEach((item, i) => {
      walkExample(doc, folded.items, item, visit, [...dataPath, i]);
    });
  } else if (isObject(data)) {
    for (const [key, value] of Object.entries(data)) {
      const declared = folded.properties.get(key);
      if (declared) walkExample(doc, declared, value, visit, [...dataPath, key]);
      else if (isObject(folded.additionalProperties?.schema)) {
        walkExample(doc, [folded.additionalProperties], value, visit, [...dataPath, key]);
      }
    }
  }
}
