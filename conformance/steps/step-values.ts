/**
 * Values written in steps: `"text"`, `400`, `true`, `null`, `{}` or `[...]` are JSON literals;
 * anything else is taken as text. `{{name}}` inside a string is filled by `interpolate`.
 */
export function parseLiteral(literal: string, interpolate: (text: string) => string): unknown {
  const text = literal.trim();
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return interpolate(text);
  }
  return fill(value, interpolate);
}

function fill(value: unknown, interpolate: (text: string) => string): unknown {
  if (typeof value === "string") return interpolate(value);
  if (Array.isArray(value)) return value.map((v) => fill(v, interpolate));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, interpolate)]));
  }
  return value;
}

/** A DocString or table cell as JSON, with `{{name}}` filled in string values. */
export function parseJsonDocument(text: string, interpolate: (text: string) => string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`The payload is not JSON: ${(error as Error).message}`);
  }
  return fill(value, interpolate);
}

/** Equality of JSON values, order-insensitive for object keys. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
