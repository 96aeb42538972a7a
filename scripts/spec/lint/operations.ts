import { type DocPath, isObject, type Obj, resolve } from "./doc-path.ts";

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

/** One operation of a document: under `paths`, or inside a callback of another operation. */
export interface OperationSite {
  readonly method: string;
  /** Path template, or the callback's runtime expression (`{$request.body#/sink}`). */
  readonly path: string;
  readonly operation: Obj;
  readonly pathItem: Obj;
  /** Where the operation object lives in the document. */
  readonly location: DocPath;
  /** Set for callback operations. */
  readonly callback?: { readonly name: string; readonly parent: OperationSite };
}

/** `POST /sessions`, or `callback notifications POST {$request.body#/sink} of POST /subscriptions`. */
export function describeOperation(site: OperationSite): string {
  const own = `${site.method.toUpperCase()} ${site.path}`;
  return site.callback
    ? `callback ${site.callback.name} ${own} of ${describeOperation(site.callback.parent)}`
    : own;
}

function collect(doc: unknown, paths: unknown, base: DocPath, parent: OperationSite | null, name: string) {
  const sites: OperationSite[] = [];
  if (!isObject(paths)) return sites;
  for (const [path, raw] of Object.entries(paths)) {
    const item = resolve(doc, raw, [...base, path]);
    if (!isObject(item.value)) continue;
    const pathItem = item.value;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const site: OperationSite = {
        method,
        path,
        operation,
        pathItem,
        location: [...item.path, method],
        ...(parent ? { callback: { name, parent } } : {}),
      };
      sites.push(site);
      if (isObject(operation.callbacks)) {
        for (const [cbName, cbRaw] of Object.entries(operation.callbacks)) {
          const cb = resolve(doc, cbRaw, [...site.location, "callbacks", cbName]);
          sites.push(...collect(doc, cb.value, cb.path, site, cbName));
        }
      }
    }
  }
  return sites;
}

/** Every operation of the document in document order, callbacks right after the operation holding them. */
export function listOperations(doc: unknown): OperationSite[] {
  return collect(doc, isObject(doc) ? doc.paths : undefined, ["paths"], null, "");
}
