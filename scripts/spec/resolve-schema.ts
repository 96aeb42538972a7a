import { deref } from "../codegen/build-manifest.ts";
import type { OpenApiDocument } from "../codegen/effective-spec.ts";

type Obj = Record<string, unknown>;

/**
 * Inlines every local $ref of `schema` and folds `allOf` branches into one object, so that two
 * versions of a schema can be compared structurally. Recursive references stop at `{ $recursive }`.
 */
export function resolveSchema(doc: OpenApiDocument, schema: unknown, stack: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => resolveSchema(doc, s, stack));
  if (typeof schema !== "object" || schema === null) return schema;
  const ref = (schema as Obj).$ref;
  if (typeof ref === "string") {
    if (stack.includes(ref)) return { $recursive: ref };
    return resolveSchema(doc, deref(doc, schema), [...stack, ref]);
  }
  const out: Obj = {};
  for (const [key, value] of Object.entries(schema as Obj)) {
    if (key === "description" || key === "example" || key === "examples") continue;
    out[key] = resolveSchema(doc, value, stack);
  }
  if (Array.isArray(out.allOf)) {
    const parts = out.allOf as Obj[];
    delete out.allOf;
    for (const part of parts) {
      for (const [key, value] of Object.entries(part)) {
        if (key === "properties") out.properties = { ...(out.properties as Obj), ...(value as Obj) };
        else if (key === "required")
          out.required = [...new Set([...((out.required as string[]) ?? []), ...(value as string[])])];
        else if (!(key in out)) out[key] = value;
      }
    }
  }
  return out;
}

/** JSON with object keys sorted, for order-insensitive comparison. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Obj).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
