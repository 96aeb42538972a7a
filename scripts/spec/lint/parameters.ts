import { type DocPath, isObject, type Obj, pointer, resolve } from "./doc-path.ts";
import { listOperations } from "./operations.ts";

export interface ParameterSite {
  readonly parameter: Obj;
  /** Where the parameter object is written (after following `$ref`). */
  readonly path: DocPath;
}

/** Every parameter object of the document, once each: components and every operation's own. */
export function listParameters(doc: unknown): ParameterSite[] {
  const out = new Map<string, ParameterSite>();
  const add = (raw: unknown, path: DocPath) => {
    const p = resolve(doc, raw, path);
    if (isObject(p.value)) out.set(pointer(p.path), { parameter: p.value, path: p.path });
  };
  const components = isObject(doc) && isObject(doc.components) ? doc.components.parameters : undefined;
  if (isObject(components)) {
    for (const [name, p] of Object.entries(components)) add(p, ["components", "parameters", name]);
  }
  for (const site of listOperations(doc)) {
    const itemPath = site.location.slice(0, -1);
    (Array.isArray(site.pathItem.parameters) ? site.pathItem.parameters : []).forEach((p, i) => {
      add(p, [...itemPath, "parameters", i]);
    });
    (Array.isArray(site.operation.parameters) ? site.operation.parameters : []).forEach((p, i) => {
      add(p, [...site.location, "parameters", i]);
    });
  }
  return [...out.values()];
}
