import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { type DocPath, isObject } from "../doc-path.ts";
import { listOperations } from "../operations.ts";
import { listParameters } from "../parameters.ts";
import { visitSchemas } from "../schema-visitor.ts";

export interface ReservedWordsOptions {
  /** Words reserved by common OpenAPI generators; compared case-insensitively. */
  readonly words: readonly string[];
}

/**
 * CAMARA API Design Guide §5.1: reserved words must not be used in path and operation names,
 * path or query parameter names, body property names, security schemes, component names and
 * operationIds, "to avoid issues with implementation using Open API generators".
 */
export const reservedWords: RulesetFunction<unknown, ReservedWordsOptions> = (doc, options) => {
  const words = new Set(options.words.map((w) => String(w).toLowerCase()));
  const results: IFunctionResult[] = [];
  const check = (name: string, what: string, path: DocPath) => {
    if (words.has(name.toLowerCase())) {
      results.push({ message: `${what} "${name}" is a reserved word of code generators`, path: [...path] });
    }
  };
  if (!isObject(doc)) return results;
  if (isObject(doc.paths)) {
    for (const key of Object.keys(doc.paths)) {
      for (const segment of key.split("/")) {
        if (segment !== "" && !segment.startsWith("{")) check(segment, "path segment", ["paths", key]);
      }
    }
  }
  for (const site of listOperations(doc)) {
    const id = site.operation.operationId;
    if (typeof id === "string") check(id, "operationId", [...site.location, "operationId"]);
  }
  for (const { parameter, path } of listParameters(doc)) {
    if ((parameter.in === "path" || parameter.in === "query") && typeof parameter.name === "string") {
      check(parameter.name, `${parameter.in} parameter`, [...path, "name"]);
    }
  }
  visitSchemas(doc, (node) => {
    if (node.role === "property" && node.name !== undefined) check(node.name, "property", node.path);
  });
  if (isObject(doc.components)) {
    for (const [kind, group] of Object.entries(doc.components)) {
      if (!isObject(group)) continue;
      for (const name of Object.keys(group)) check(name, `component (${kind})`, ["components", kind, name]);
    }
  }
  return results;
};
