import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject, pointer } from "../doc-path.ts";

const KINDS = [
  "schemas",
  "responses",
  "parameters",
  "examples",
  "requestBodies",
  "headers",
  "links",
  "callbacks",
];

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
    return;
  }
  if (!isObject(node)) return;
  if (typeof node.$ref === "string") into.add(node.$ref);
  const d = node.discriminator;
  if (isObject(d) && isObject(d.mapping)) {
    for (const target of Object.values(d.mapping)) {
      if (typeof target === "string")
        into.add(target.startsWith("#") ? target : `#/components/schemas/${target}`);
    }
  }
  for (const value of Object.values(node)) collectRefs(value, into);
}

/**
 * A reusable component nothing refers to. Unlike Spectral's oas3-unused-component, a schema named
 * only by a `discriminator.mapping` counts as used: the mapping is how a validator reaches it.
 */
export const unusedComponent: RulesetFunction<unknown, unknown> = (doc) => {
  const results: IFunctionResult[] = [];
  if (!isObject(doc) || !isObject(doc.components)) return results;
  const refs = new Set<string>();
  collectRefs(doc, refs);
  for (const kind of KINDS) {
    const group = doc.components[kind];
    if (!isObject(group)) continue;
    for (const name of Object.keys(group)) {
      const path = ["components", kind, name];
      if (!refs.has(`#${pointer(path)}`)) {
        results.push({ message: `${kind} component "${name}" is not used`, path });
      }
    }
  }
  return results;
};
