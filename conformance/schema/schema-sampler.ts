import { sampleRegex } from "./regex-sampler.ts";
import type { Random } from "./seeded-random.ts";

/** What to put in generated objects. */
export interface SampleOptions {
  /**
   * `"required"` (default) fills only required properties, the smallest valid body and the one least
   * likely to trip a server's semantic checks; `"all"` fills every declared property.
   */
  readonly properties?: "required" | "all";
}

type Schema = Record<string, unknown>;

/**
 * Draws a value for an OpenAPI 3.0 schema, deterministically for a given {@link Random}. The value
 * is a candidate: callers check it with the validator and draw again (or fall back to the schema's
 * `example`) when keyword combinations the sampler does not reason about (`not`, `pattern` with
 * `format`, …) make it invalid. `$ref`s resolve against `document`, the API's effective spec.
 */
export function sampleSchema(
  document: object,
  schema: object,
  random: Random,
  options: SampleOptions = {},
): unknown {
  return new Sampler(document, random, options).sample(schema as Schema);
}

/** Dates are drawn after this instant (2100-01-01T00:00:00Z), so that an expiry is in the future. */
const FUTURE_EPOCH_MS = 4_102_444_800_000;
const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

class Sampler {
  /** Discriminating parents being sampled through one of their mapped children. */
  private readonly inChild = new Set<string>();

  constructor(
    private readonly document: object,
    private readonly random: Random,
    private readonly options: SampleOptions,
  ) {}

  sample(schema: Schema, ref?: string): unknown {
    if (typeof schema.$ref === "string") return this.sample(this.resolve(schema.$ref), schema.$ref);
    const discriminated = this.viaDiscriminator(schema, ref);
    if (discriminated !== undefined) return discriminated;
    if ("const" in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return this.random.pick(schema.enum);
    if (Array.isArray(schema.allOf)) return this.sample(this.flatten(schema));
    const choices = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
    if (Array.isArray(choices) && choices.length > 0) return this.sample(this.random.pick(choices));
    switch (typeOf(schema)) {
      case "object":
        return this.object(schema);
      case "array":
        return this.array(schema);
      case "string":
        return this.string(schema);
      case "integer":
        return this.number(schema, true);
      case "number":
        return this.number(schema, false);
      case "boolean":
        return this.random.next() < 0.5;
      default:
        return null;
    }
  }

  private resolve(ref: string): Schema {
    if (!ref.startsWith("#/")) throw new Error(`Only local references are supported: ${ref}`);
    let node: unknown = this.document;
    for (const raw of ref.slice(2).split("/")) {
      const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      node = (node as Record<string, unknown> | undefined)?.[key];
    }
    if (typeof node !== "object" || node === null) throw new Error(`Unresolvable reference ${ref}`);
    return node as Schema;
  }

  /** A parent with a discriminator mapping is sampled as one of its mapped children (§4.7.25). */
  private viaDiscriminator(schema: Schema, ref: string | undefined): unknown {
    const discriminator = schema.discriminator as { propertyName: string; mapping?: Record<string, string> };
    if (!discriminator?.mapping || ref === undefined || this.inChild.has(ref)) return undefined;
    const [value, target] = this.random.pick(Object.entries(discriminator.mapping));
    this.inChild.add(ref);
    try {
      const child = this.sample({ $ref: target.startsWith("#") ? target : `#/components/schemas/${target}` });
      return typeof child === "object" && child !== null
        ? { ...child, [discriminator.propertyName]: value }
        : child;
    } finally {
      this.inChild.delete(ref);
    }
  }

  /**
   * One schema equivalent to an `allOf` for sampling purposes: the parts' properties side by side
   * (a property defined twice keeps both definitions, as an `allOf`), their `required` lists joined,
   * other keywords from the last part that has them. A `required` in one part then applies to
   * properties another part defines (as in MediaSessionInvite).
   */
  private flatten(schema: Schema): Schema {
    const { allOf, ...own } = schema;
    const parts = [...((allOf ?? []) as Schema[]), own].map((part) => {
      const resolved = typeof part.$ref === "string" ? this.resolve(part.$ref) : part;
      const { discriminator: _handled, ...rest } = resolved;
      return Array.isArray(rest.allOf) ? this.flatten(rest) : rest;
    });
    const properties: Record<string, Schema[]> = {};
    const required = new Set<string>();
    const merged: Schema = {};
    for (const part of parts) {
      for (const [name, property] of Object.entries((part.properties ?? {}) as Record<string, Schema>)) {
        properties[name] = [...(properties[name] ?? []), property];
      }
      for (const name of (part.required ?? []) as string[]) required.add(name);
      for (const [key, value] of Object.entries(part)) {
        if (key !== "properties" && key !== "required") merged[key] = value;
      }
    }
    merged.properties = Object.fromEntries(
      Object.entries(properties).map(([name, defs]) => [name, defs.length === 1 ? defs[0] : { allOf: defs }]),
    );
    if (required.size > 0) merged.required = [...required];
    return merged;
  }

  private object(schema: Schema): Record<string, unknown> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(properties)) {
      if (required.has(name) || this.options.properties === "all") out[name] = this.sample(property);
    }
    return out;
  }

  private array(schema: Schema): unknown[] {
    const min = Number(schema.minItems ?? 0);
    const max = Number(schema.maxItems ?? Math.max(min, 1));
    const count = Math.min(Math.max(min, 1), max);
    const items = (schema.items ?? {}) as Schema;
    const out: unknown[] = [];
    for (let attempt = 0; out.length < count && attempt < count * 10; attempt++) {
      const item = this.sample(items);
      if (schema.uniqueItems === true && out.some((o) => JSON.stringify(o) === JSON.stringify(item)))
        continue;
      out.push(item);
    }
    return out;
  }

  private number(schema: Schema, integer: boolean): number {
    const min = typeof schema.minimum === "number" ? schema.minimum : 1;
    const max = typeof schema.maximum === "number" ? schema.maximum : min + 100;
    return integer
      ? this.random.int(Math.ceil(min), Math.floor(max))
      : min + this.random.next() * (max - min);
  }

  private string(schema: Schema): string {
    const format = typeof schema.format === "string" ? schema.format : undefined;
    const fromFormat = format === undefined ? undefined : this.formatted(format);
    if (fromFormat !== undefined) return fromFormat;
    if (typeof schema.pattern === "string") {
      try {
        return sampleRegex(schema.pattern, this.random);
      } catch {
        // an unsupported construct: fall through to a plain string, which the caller re-checks
      }
    }
    const min = Number(schema.minLength ?? 1);
    const max = Number(schema.maxLength ?? Math.max(min, 12));
    const length = Math.max(min, Math.min(max, 12));
    let out = "";
    for (let i = 0; i < length; i++) out += this.random.pick([...ALPHANUMERIC]);
    return out;
  }

  private formatted(format: string): string | undefined {
    const r = this.random;
    const hex = (n: number) => Array.from({ length: n }, () => r.int(0, 15).toString(16)).join("");
    const word = () => Array.from({ length: 8 }, () => r.pick([..."abcdefghijklmnopqrstuvwxyz"])).join("");
    switch (format) {
      case "uuid":
        return `${hex(8)}-${hex(4)}-4${hex(3)}-${r.pick(["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
      case "date-time":
        return new Date(FUTURE_EPOCH_MS + r.int(0, 365 * 24 * 3600) * 1000).toISOString();
      case "date":
        return new Date(FUTURE_EPOCH_MS + r.int(0, 365) * 86_400_000).toISOString().slice(0, 10);
      case "uri":
      case "url":
        return `https://${word()}.example.com/${word()}`;
      case "uri-reference":
        return `/${word()}/${word()}`;
      case "email":
        return `${word()}@example.com`;
      case "ipv4":
        return `192.0.2.${r.int(1, 254)}`;
      case "ipv6":
        return `2001:db8::${r.int(1, 0xffff).toString(16)}`;
      default:
        return undefined;
    }
  }
}

function typeOf(schema: Schema): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== "null") as string | undefined;
  if (schema.properties || schema.required) return "object";
  if (schema.items) return "array";
  return undefined;
}
