import { JSONPath } from "jsonpath-plus";

/**
 * JSONPath as CAMARA test plans use it (API-Testing-Guidelines: "To refer to properties in request
 * bodies and response, JSON path notation is recommended"), over jsonpath-plus for reading, and a
 * small setter for the simple paths (`$.a.b`, `$.a[0]`, `$['a-b']`) that request-body steps write.
 */
export function query(json: unknown, path: string): unknown[] {
  if (json === null || typeof json !== "object") return [];
  // The default "safe" evaluator runs filter expressions ($[?(@.id == "x")]) without eval().
  return JSONPath({ path, json, wrap: true }) as unknown[];
}

/** `$.a.b[0]['c-d']` → `["a", "b", 0, "c-d"]`. */
export function pathSegments(path: string): (string | number)[] {
  const trimmed = path.trim();
  if (!trimmed.startsWith("$")) throw new Error(`A JSONPath starts with $: ${path}`);
  const segments: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < trimmed.length) {
    const m = re.exec(trimmed);
    if (!m) throw new Error(`Only simple paths ($.a.b, $.a[0], $['a']) can be written: ${path}`);
    segments.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4] ?? ""));
  }
  return segments;
}

/** Sets `value` at `path` in `root`, creating objects (or arrays before an index) on the way. */
export function setAtPath(root: unknown, path: string, value: unknown): unknown {
  const segments = pathSegments(path);
  if (segments.length === 0) return value;
  const top: Record<string | number, unknown> =
    typeof root === "object" && root !== null ? (root as Record<string, unknown>) : {};
  let node = top;
  segments.forEach((segment, i) => {
    if (i === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next !== "object" || next === null) {
      node[segment] = typeof segments[i + 1] === "number" ? [] : {};
    }
    node = node[segment] as Record<string | number, unknown>;
  });
  return top;
}

/** Removes the property at `path`, if present. */
export function removeAtPath(root: unknown, path: string): unknown {
  const segments = pathSegments(path);
  let node: unknown = root;
  for (const segment of segments.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return root;
    node = (node as Record<string | number, unknown>)[segment];
  }
  const last = segments.at(-1);
  if (last === undefined) return undefined;
  if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
  else if (typeof node === "object" && node !== null) delete (node as Record<string | number, unknown>)[last];
  return root;
}
