/** A location inside a parsed document: object keys and array indices from the root. */
export type DocPath = readonly (string | number)[];

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined when any step is missing. */
export function getAt(doc: unknown, path: DocPath): unknown {
  let node = doc;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === "number") node = node[key];
    else if (isObject(node)) node = node[String(key)];
    else return undefined;
  }
  return node;
}

/** `#/components/schemas/Foo` → `["components", "schemas", "Foo"]`; null for non-local references. */
export function refPath(ref: string): DocPath | null {
  if (ref === "#") return [];
  if (!ref.startsWith("#/")) return null;
  return ref
    .slice(2)
    .split("/")
    .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** RFC 6901 JSON Pointer of a path (`/paths/~1sessions/post`). */
export function pointer(path: DocPath): string {
  return path.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

export interface Resolved {
  readonly value: unknown;
  /** Where the value really lives, after following every `$ref`. */
  readonly path: DocPath;
  /** The `$ref` strings followed on the way, outermost first. */
  readonly refs: readonly string[];
}

/**
 * Follows local `$ref`s from `value` (found at `path`) to the object they name. A reference that
 * does not resolve, or a cycle of references, yields `value: undefined`.
 */
export function resolve(doc: unknown, value: unknown, path: DocPath): Resolved {
  let current = value;
  let at = path;
  const refs: string[] = [];
  while (isObject(current) && typeof current.$ref === "string") {
    const ref = current.$ref;
    const target = refPath(ref);
    if (target === null || refs.includes(ref)) return { value: undefined, path: at, refs };
    refs.push(ref);
    current = getAt(doc, target);
    at = target;
  }
  return { value: current, path: at, refs };
}
