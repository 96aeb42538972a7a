import { serverBasePath } from "../../codegen/build-manifest.ts";
import type { OpenApiDocument } from "../../codegen/effective-spec.ts";
import type { Change } from "./change.ts";
import { diffComponentSchemas } from "./diff-components.ts";
import { type Docs, diffOperation } from "./diff-operation.ts";

type Obj = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `/sessions/{registrationId}` → `/sessions/{}`: path parameter names do not identify a path. */
function shape(path: string): string {
  return path.replace(/\{[^}]+\}/g, "{}");
}

function byShape(paths: unknown): Map<string, { path: string; item: Obj }> {
  const out = new Map<string, { path: string; item: Obj }>();
  for (const [path, item] of Object.entries(isObject(paths) ? paths : {})) {
    if (isObject(item)) out.set(shape(path), { path, item });
  }
  return out;
}

/** Callbacks of an operation, flattened to `name expression method` → operation. */
function callbacks(op: Obj): Map<string, { item: Obj; op: Obj; label: string }> {
  const out = new Map<string, { item: Obj; op: Obj; label: string }>();
  for (const [name, callback] of Object.entries(isObject(op.callbacks) ? op.callbacks : {})) {
    for (const [expression, item] of Object.entries(isObject(callback) ? callback : {})) {
      if (!isObject(item)) continue;
      for (const method of METHODS) {
        const cop = item[method];
        if (isObject(cop))
          out.set(`${name} ${expression} ${method}`, {
            item,
            op: cop,
            label: `callback ${name} ${method.toUpperCase()} ${expression}`,
          });
      }
    }
  }
  return out;
}

/**
 * The changes from API version `a` to version `b`, each classed breaking, non-breaking or
 * informational from the point of view of an existing API consumer.
 */
export function diffSpecs(a: OpenApiDocument, b: OpenApiDocument): Change[] {
  const docs: Docs = { a, b };
  const out: Change[] = [];
  if (a.info?.version !== b.info?.version) {
    out.push({
      class: "informational",
      kind: "version-changed",
      location: "info",
      message: `info.version changed from ${a.info?.version} to ${b.info?.version}`,
    });
  }
  const [baseA, baseB] = [serverBasePath(a), serverBasePath(b)];
  if (baseA !== baseB) {
    out.push({
      class: "breaking",
      kind: "base-path-changed",
      location: "servers",
      message: `server base path changed from ${baseA || "/"} to ${baseB || "/"}`,
    });
  }
  const pa = byShape(a.paths);
  const pb = byShape(b.paths);
  for (const [key, { path, item }] of pa) {
    const next = pb.get(key);
    const methods = METHODS.filter((m) => isObject(item[m]));
    if (!next) {
      out.push({
        class: "breaking",
        kind: "path-removed",
        location: path,
        message: `path removed (operations ${methods.map((m) => m.toUpperCase()).join(", ")})`,
      });
      continue;
    }
    for (const method of methods) {
      const location = `${method.toUpperCase()} ${next.path}`;
      const opA = item[method] as Obj;
      const opB = next.item[method];
      if (!isObject(opB)) {
        const id = typeof opA.operationId === "string" ? ` ${opA.operationId}` : "";
        out.push({
          class: "breaking",
          kind: "operation-removed",
          location,
          message: `operation${id} removed`,
        });
        continue;
      }
      out.push(
        ...diffOperation(
          docs,
          location,
          { a: path, b: next.path },
          { a: item, b: next.item },
          { a: opA, b: opB },
        ),
      );
      const ca = callbacks(opA);
      const cb = callbacks(opB);
      for (const [key, c] of ca) {
        if (!cb.has(key))
          out.push({ class: "breaking", kind: "callback-removed", location, message: `${c.label} removed` });
      }
      for (const [key, c] of cb) {
        const old = ca.get(key);
        if (!old) {
          out.push({ class: "non-breaking", kind: "callback-added", location, message: `${c.label} added` });
          continue;
        }
        // The API sends callback requests and the consumer answers them: the directions flip.
        out.push(
          ...diffOperation(
            docs,
            `${location} ${c.label}`,
            { a: "", b: "" },
            { a: old.item, b: c.item },
            { a: old.op, b: c.op },
            {
              body: "response",
              responses: "request",
            },
          ),
        );
      }
    }
    for (const method of METHODS.filter((m) => isObject(next.item[m]) && !isObject(item[m]))) {
      const id = (next.item[method] as Obj).operationId;
      out.push({
        class: "non-breaking",
        kind: "operation-added",
        location: `${method.toUpperCase()} ${next.path}`,
        message: `operation${typeof id === "string" ? ` ${id}` : ""} added`,
      });
    }
  }
  for (const [key, { path }] of pb) {
    if (!pa.has(key))
      out.push({ class: "non-breaking", kind: "path-added", location: path, message: "path added" });
  }
  out.push(...diffComponentSchemas(a, b));
  return out;
}
