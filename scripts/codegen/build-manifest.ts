import type { OpenApiDocument } from "./effective-spec.ts";

/** Plain-data mirror of the emitted manifest types (see operation-manifest.ts). */
export interface BuiltParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: Record<string, unknown>;
}
export interface BuiltOperation {
  api: string;
  release: string;
  operationId: string;
  method: string;
  path: string;
  fullPath: string;
  parameters: BuiltParameter[];
  requestBody: { required: boolean; content: Record<string, Record<string, unknown>> } | null;
  responses: Record<string, { description: string; content: Record<string, unknown>; headers: string[] }>;
  security: Record<string, string[]>[];
  scopes: string[];
}
export interface BuiltManifest {
  name: string;
  release: string;
  title: string;
  version: string;
  basePath: string;
  operations: BuiltOperation[];
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

type Obj = Record<string, unknown>;

/** Follows a local `$ref` (`#/a/b`) until a non-reference object is reached. */
export function deref(doc: OpenApiDocument, value: unknown): Obj {
  let current = value as Obj;
  const seen = new Set<string>();
  while (typeof current?.$ref === "string") {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) throw new Error(`Unbundled $ref ${ref}`);
    if (seen.has(ref)) throw new Error(`Circular $ref ${ref}`);
    seen.add(ref);
    current = ref
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((node, key) => (node as Obj | undefined)?.[key], doc) as Obj;
    if (current === undefined) throw new Error(`Unresolvable $ref ${ref}`);
  }
  return current;
}

/**
 * The server base path: the first server URL with its variables replaced by their defaults, reduced
 * to its path (`{apiRoot}/webrtc-registration/v0.3` → `/webrtc-registration/v0.3`).
 */
export function serverBasePath(doc: OpenApiDocument): string {
  const server = doc.servers?.[0];
  if (!server) return "";
  const url = server.url.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => server.variables?.[name]?.default ?? "",
  );
  const path = /^[a-z]+:\/\//i.test(url) ? new URL(url).pathname : url;
  return path.replace(/\/+$/, "");
}

function contentSchemas(content: unknown): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [mediaType, media] of Object.entries((content ?? {}) as Record<string, Obj>)) {
    out[mediaType] = (media.schema ?? {}) as Record<string, unknown>;
  }
  return out;
}

function collectParameters(doc: OpenApiDocument, pathItem: Obj, operation: Obj): BuiltParameter[] {
  const byKey = new Map<string, BuiltParameter>();
  // OpenAPI 3.0 §4.7.10: operation parameters override path-level ones with the same name and location.
  for (const raw of [
    ...((pathItem.parameters as unknown[]) ?? []),
    ...((operation.parameters as unknown[]) ?? []),
  ]) {
    const p = deref(doc, raw);
    const param: BuiltParameter = {
      name: String(p.name),
      in: p.in as BuiltParameter["in"],
      required: p.in === "path" ? true : p.required === true,
      schema: (p.schema ?? {}) as Record<string, unknown>,
    };
    byKey.set(`${param.in}:${param.name}`, param);
  }
  return [...byKey.values()];
}

/** operationId → where it is used: every operation, and every callback operation (OpenAPI 3.0 §4.7.10). */
function operationIdSites(doc: OpenApiDocument): Map<string, string[]> {
  const sites = new Map<string, string[]>();
  const visit = (paths: Record<string, unknown>, where: string) => {
    for (const [path, rawItem] of Object.entries(paths)) {
      const pathItem = (rawItem ?? {}) as Obj;
      for (const method of METHODS) {
        const operation = pathItem[method] as Obj | undefined;
        if (!operation) continue;
        const site = `${where}${method.toUpperCase()} ${path}`;
        if (typeof operation.operationId === "string") {
          sites.set(operation.operationId, [...(sites.get(operation.operationId) ?? []), site]);
        }
        for (const [name, callback] of Object.entries((operation.callbacks ?? {}) as Obj)) {
          visit(deref(doc, callback), `callback ${name} of ${site}: `);
        }
      }
    }
  };
  visit(doc.paths, "");
  return sites;
}

/**
 * Builds the operation manifest of one effective spec; operations are sorted by operationId.
 * OpenAPI 3.0 §4.7.10: "The id MUST be unique among all operations described in the API", callbacks
 * included; a duplicate stops generation with the places to rename through an overlay.
 */
export function buildManifest(name: string, release: string, doc: OpenApiDocument): BuiltManifest {
  for (const [id, sites] of operationIdSites(doc)) {
    if (sites.length > 1) {
      throw new Error(
        `${release} ${name}: operationId ${id} is used more than once (${sites.join("; ")}); ` +
          `rename one in api-definitions/overlays/${release}/${name}.overlay.yaml`,
      );
    }
  }
  const basePath = serverBasePath(doc);
  const globalSecurity = (doc.security as Record<string, string[]>[] | undefined) ?? [];
  const operations: BuiltOperation[] = [];
  for (const [path, pathItem] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = pathItem[method] as Obj | undefined;
      if (!operation) continue;
      if (typeof operation.operationId !== "string") {
        throw new Error(`${name}: ${method.toUpperCase()} ${path} has no operationId`);
      }
      const body = operation.requestBody ? deref(doc, operation.requestBody) : null;
      const responses: BuiltOperation["responses"] = {};
      for (const [status, raw] of Object.entries((operation.responses ?? {}) as Obj)) {
        const response = deref(doc, raw);
        responses[status] = {
          description: String(response.description ?? ""),
          content: contentSchemas(response.content),
          headers: Object.keys((response.headers ?? {}) as Obj).sort(),
        };
      }
      const security = (operation.security as Record<string, string[]>[] | undefined) ?? globalSecurity;
      operations.push({
        api: name,
        release,
        operationId: operation.operationId,
        method,
        path,
        fullPath: `${basePath}${path}`,
        parameters: collectParameters(doc, pathItem, operation),
        requestBody: body
          ? { required: body.required === true, content: contentSchemas(body.content) }
          : null,
        responses,
        security,
        scopes: [...new Set(security.flatMap((req) => Object.values(req).flat()))].sort(),
      });
    }
  }
  operations.sort((a, b) => (a.operationId < b.operationId ? -1 : a.operationId > b.operationId ? 1 : 0));
  return { name, release, title: doc.info.title, version: doc.info.version, basePath, operations };
}
