/**
 * Makes OpenAPI 3.0 discriminators checkable by a plain JSON Schema validator, by rewriting the
 * component schemas once, statically.
 *
 * OpenAPI 3.0 §4.7.25: "When used, the discriminator will be the name of the property that decides
 * which schema definition validates the structure of the model." CAMARA uses it with `mapping` on a
 * parent schema (`SubscriptionRequest`, `Subscription`, `SinkCredential`, `CloudEvent`) whose mapped
 * children `allOf` the parent. Validating the parent must therefore also validate the mapped child,
 * and the child's `allOf` back to the parent must not loop. The rewrite:
 *
 * - keeps a copy of each discriminating parent without its discriminator, the *base*;
 * - replaces the parent by `allOf: [base, if <property> = value then <mapped child>, …]`, plus an
 *   `enum` on the property so that an unmapped value is refused;
 * - points the children's `allOf` entries at the base instead of the parent.
 */
export interface RewrittenComponents {
  readonly components: {
    readonly schemas: Record<string, unknown>;
    readonly "x-discriminator-bases": Record<string, unknown>;
  };
}

interface Discriminator {
  readonly propertyName: string;
  readonly mapping?: Readonly<Record<string, string>>;
}

const SCHEMAS = "#/components/schemas/";
const BASES = "#/components/x-discriminator-bases/";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The document fragment to register with the validator (see the module comment). */
export function withDiscriminators(schemas: Readonly<Record<string, unknown>>): RewrittenComponents {
  const out: Record<string, unknown> = structuredClone(schemas) as Record<string, unknown>;
  const bases: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isRecord(schema) || !isRecord(schema.discriminator)) continue;
    const discriminator = schema.discriminator as unknown as Discriminator;
    const mapping = mappingOf(name, discriminator, schemas);
    if (mapping.length === 0) continue;
    const { discriminator: _annotation, ...base } = schema;
    bases[name] = base;
    const property = discriminator.propertyName;
    out[name] = {
      allOf: [
        { $ref: `${BASES}${name}` },
        {
          if: { required: [property] },
          // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword (draft-07 §6.6.2).
          then: { properties: { [property]: { enum: mapping.map(([v]) => v) } } },
        },
        ...mapping.map(([value, ref]) => ({
          if: { required: [property], properties: { [property]: { const: value } } },
          // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword (draft-07 §6.6.2).
          then: { $ref: ref },
        })),
      ],
    };
    for (const [, ref] of mapping) {
      const child = out[ref.slice(SCHEMAS.length)];
      if (isRecord(child) && Array.isArray(child.allOf)) {
        child.allOf = child.allOf.map((part: unknown) =>
          isRecord(part) && part.$ref === `${SCHEMAS}${name}` ? { $ref: `${BASES}${name}` } : part,
        );
      }
    }
  }
  return { components: { schemas: out, "x-discriminator-bases": bases } };
}

/**
 * `[value, "#/components/schemas/Child"]` pairs: the explicit mapping (values may name a schema
 * instead of a reference, §4.7.25), or else the implicit one — every schema that `allOf`s the parent,
 * under its own name.
 */
function mappingOf(
  parent: string,
  discriminator: Discriminator,
  schemas: Readonly<Record<string, unknown>>,
): [string, string][] {
  const explicit = Object.entries(discriminator.mapping ?? {}).map(([value, target]): [string, string] => [
    value,
    target.startsWith("#") ? target : `${SCHEMAS}${target}`,
  ]);
  const pairs =
    explicit.length > 0
      ? explicit
      : Object.entries(schemas)
          .filter(
            ([, s]) =>
              isRecord(s) &&
              Array.isArray(s.allOf) &&
              s.allOf.some((p: unknown) => isRecord(p) && p.$ref === `${SCHEMAS}${parent}`),
          )
          .map(([child]): [string, string] => [child, `${SCHEMAS}${child}`]);
  return pairs.filter(([, ref]) => ref !== `${SCHEMAS}${parent}` && ref.startsWith(SCHEMAS));
}
