import { serverBasePath } from "../../../codegen/build-manifest.ts";
import type { OpenApiDocument } from "../../../codegen/effective-spec.ts";
import { type DocPath, isObject } from "../doc-path.ts";
import type { Position } from "../locate.ts";
import { listOperations, type OperationSite } from "../operations.ts";

/** A linted spec, as the feature checks see it. */
export interface SpecForFeatures {
  /** API name: the spec file's name without extension (`webrtc-events`). */
  readonly api: string;
  /** Display path of the spec file. */
  readonly file: string;
  readonly doc: unknown;
  readonly locate: (path: DocPath) => Position;
}

/** The operations of a spec (callbacks excluded) and its server base path. */
export interface SpecIndex {
  readonly spec: SpecForFeatures;
  readonly basePath: string;
  readonly operations: readonly OperationSite[];
  /** The operation for a path (template or concrete, without base path) and method. */
  find(path: string, method: string): OperationSite | undefined;
  /** True when `path` matches a path template of the spec. */
  hasPath(path: string): boolean;
}

function templateRegExp(template: string): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^/]+")}$`);
}

export function indexSpec(spec: SpecForFeatures): SpecIndex {
  const operations = listOperations(spec.doc).filter((s) => !s.callback);
  const templates = Object.keys(isObject(spec.doc) && isObject(spec.doc.paths) ? spec.doc.paths : {}).map(
    (t) => ({
      template: t,
      re: templateRegExp(t),
    }),
  );
  const matching = (path: string) => templates.filter((t) => t.template === path || t.re.test(path));
  return {
    spec,
    basePath: isObject(spec.doc) ? serverBasePath(spec.doc as OpenApiDocument) : "",
    operations,
    hasPath: (path) => matching(path).length > 0,
    find(path, method) {
      const templatesHere = new Set(matching(path).map((t) => t.template));
      return operations.find((o) => templatesHere.has(o.path) && o.method === method);
    },
  };
}
