import type { OperationManifest } from "../manifest-types.ts";

export type ResolvedOperation = {
  readonly operation: OperationManifest;
  readonly pathParams: Record<string, string>;
};

export type Resolution =
  | ({ readonly kind: "found" } & ResolvedOperation)
  | { readonly kind: "method_not_allowed"; readonly allowed: readonly string[] }
  | { readonly kind: "bad_path_parameter"; readonly name: string; readonly problem: "missing" | "encoding" }
  | { readonly kind: "not_found" };

interface CompiledPath {
  readonly regex: RegExp;
  /** The same path with empty templated segments allowed, to recognise a missing parameter. */
  readonly emptyRegex: RegExp;
  readonly names: readonly string[];
  readonly byMethod: Map<string, OperationManifest>;
}

/**
 * Matches a request path and method against the operation manifests: the routing table is the
 * manifests, never hand-written. A templated segment matches one non-empty path segment.
 */
export function createOperationResolver(operations: readonly OperationManifest[]) {
  const paths = new Map<string, CompiledPath>();
  for (const op of operations) {
    let compiled = paths.get(op.fullPath);
    if (!compiled) {
      const names: string[] = [];
      const source = op.fullPath
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const name = /^\{([^}]+)\}$/.exec(part)?.[1];
          if (name) {
            names.push(name);
            return "([^/]+)";
          }
          return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
        })
        .join("");
      compiled = {
        regex: new RegExp(`^${source}$`),
        emptyRegex: new RegExp(`^${source.replaceAll("([^/]+)", "([^/]*)")}$`),
        names,
        byMethod: new Map(),
      };
      paths.set(op.fullPath, compiled);
    }
    compiled.byMethod.set(op.method.toUpperCase(), op);
  }
  // Literal paths win over templated ones (`/a/list` before `/a/{id}`).
  const ordered = [...paths.values()].sort((a, b) => a.names.length - b.names.length);

  return function resolve(method: string, path: string): Resolution {
    for (const compiled of ordered) {
      const match = compiled.regex.exec(path);
      if (!match) continue;
      const operation = compiled.byMethod.get(method === "HEAD" ? "GET" : method);
      if (!operation) return { kind: "method_not_allowed", allowed: [...compiled.byMethod.keys()].sort() };
      const pathParams: Record<string, string> = {};
      for (const [i, name] of compiled.names.entries()) {
        try {
          pathParams[name] = decodeURIComponent(match[i + 1] ?? "");
        } catch {
          // RFC 3986 §2.1: a "%" not followed by two hex digits is not a valid percent-encoding.
          return { kind: "bad_path_parameter", name, problem: "encoding" };
        }
      }
      return { kind: "found", operation, pathParams };
    }
    // `/sessions/` or `/sessions//status`: a path parameter left empty is a missing argument
    // (CAMARA Generic400, e.g. "Expected property is missing: subscriptionId"), not an unknown route.
    for (const compiled of ordered) {
      const match = compiled.names.length > 0 ? compiled.emptyRegex.exec(path) : null;
      if (!match || !compiled.byMethod.has(method === "HEAD" ? "GET" : method)) continue;
      const empty = compiled.names.find((_, i) => match[i + 1] === "");
      if (empty) return { kind: "bad_path_parameter", name: empty, problem: "missing" };
    }
    return { kind: "not_found" };
  };
}
