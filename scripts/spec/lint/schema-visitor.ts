import { type DocPath, isObject, type Obj, pointer } from "./doc-path.ts";
import { listOperations } from "./operations.ts";

/** How a schema object hangs off its parent schema. */
export type SchemaRole =
  | "root"
  | "property"
  | "items"
  | "additionalProperties"
  | "allOf"
  | "oneOf"
  | "anyOf"
  | "not";

export interface SchemaNode {
  readonly schema: Obj;
  readonly path: DocPath;
  readonly role: SchemaRole;
  readonly parent: SchemaNode | null;
  /** The property name when `role` is `property`. */
  readonly name?: string;
  /** `#/components/schemas/<name>` for a named schema, else where its root schema sits. */
  readonly origin: string;
}

function mediaSchemas(content: unknown, path: DocPath): [unknown, DocPath][] {
  if (!isObject(content)) return [];
  return Object.entries(content).map(([type, media]) => [
    isObject(media) ? media.schema : undefined,
    [...path, type, "schema"],
  ]);
}

/** Schemas of a parameter or header object (via `schema` or `content`). */
function holderSchemas(holder: unknown, path: DocPath): [unknown, DocPath][] {
  if (!isObject(holder) || typeof holder.$ref === "string") return [];
  return [[holder.schema, [...path, "schema"]], ...mediaSchemas(holder.content, [...path, "content"])];
}

function responseSchemas(response: unknown, path: DocPath): [unknown, DocPath][] {
  if (!isObject(response) || typeof response.$ref === "string") return [];
  const out = mediaSchemas(response.content, [...path, "content"]);
  if (isObject(response.headers)) {
    for (const [name, header] of Object.entries(response.headers)) {
      out.push(...holderSchemas(header, [...path, "headers", name]));
    }
  }
  return out;
}

/** Every place of an OpenAPI 3.0 document where a root schema object may sit. */
function rootSchemas(doc: Obj): [unknown, DocPath][] {
  const roots: [unknown, DocPath][] = [];
  const components = isObject(doc.components) ? doc.components : {};
  const each = (kind: string, fn: (value: unknown, path: DocPath) => [unknown, DocPath][]) => {
    const group = components[kind];
    if (isObject(group)) {
      for (const [name, value] of Object.entries(group)) roots.push(...fn(value, ["components", kind, name]));
    }
  };
  each("schemas", (value, path) => [[value, path]]);
  each("parameters", holderSchemas);
  each("headers", holderSchemas);
  each("requestBodies", (value, path) =>
    isObject(value) && typeof value.$ref !== "string"
      ? mediaSchemas(value.content, [...path, "content"])
      : [],
  );
  each("responses", responseSchemas);
  for (const site of listOperations(doc)) {
    const pathItemLocation = site.location.slice(0, -1);
    const params: [unknown, DocPath][] = [
      ...((Array.isArray(site.pathItem.parameters) ? site.pathItem.parameters : []).map((p, i) => [
        p,
        [...pathItemLocation, "parameters", i],
      ]) as [unknown, DocPath][]),
      ...((Array.isArray(site.operation.parameters) ? site.operation.parameters : []).map((p, i) => [
        p,
        [...site.location, "parameters", i],
      ]) as [unknown, DocPath][]),
    ];
    for (const [param, path] of params) roots.push(...holderSchemas(param, path));
    const body = site.operation.requestBody;
    if (isObject(body) && typeof body.$ref !== "string") {
      roots.push(...mediaSchemas(body.content, [...site.location, "requestBody", "content"]));
    }
    if (isObject(site.operation.responses)) {
      for (const [status, response] of Object.entries(site.operation.responses)) {
        roots.push(...responseSchemas(response, [...site.location, "responses", status]));
      }
    }
  }
  return roots;
}

/**
 * Calls `visit` for every schema object of the document, once each, parents before children:
 * component schemas, and the inline schemas of parameters, headers, request bodies and responses
 * (callbacks included). `$ref` objects are visited but not entered; their target is visited where
 * it is defined.
 */
export function visitSchemas(doc: unknown, visit: (node: SchemaNode) => void): void {
  if (!isObject(doc)) return;
  const seen = new Set<string>();
  const walk = (
    schema: unknown,
    path: DocPath,
    role: SchemaRole,
    parent: SchemaNode | null,
    name?: string,
  ) => {
    if (!isObject(schema)) return;
    const key = pointer(path);
    if (seen.has(key)) return;
    seen.add(key);
    const origin = parent ? parent.origin : `#${key}`;
    const node: SchemaNode = { schema, path, role, parent, origin, ...(name === undefined ? {} : { name }) };
    visit(node);
    if (typeof schema.$ref === "string") return;
    if (isObject(schema.properties)) {
      for (const [prop, sub] of Object.entries(schema.properties)) {
        walk(sub, [...path, "properties", prop], "property", node, prop);
      }
    }
    if (isObject(schema.items)) walk(schema.items, [...path, "items"], "items", node);
    if (isObject(schema.additionalProperties)) {
      walk(schema.additionalProperties, [...path, "additionalProperties"], "additionalProperties", node);
    }
    for (const kind of ["allOf", "oneOf", "anyOf"] as const) {
      const list = schema[kind];
      if (!Array.isArray(list)) continue;
      list.forEach((sub, i) => {
        walk(sub, [...path, kind, i], kind, node);
      });
    }
    if (isObject(schema.not)) walk(schema.not, [...path, "not"], "not", node);
  };
  for (const [schema, path] of rootSchemas(doc)) walk(schema, path, "root", null);
}
