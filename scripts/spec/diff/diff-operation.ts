import { deref } from "../../codegen/build-manifest.ts";
import type { OpenApiDocument } from "../../codegen/effective-spec.ts";
import { resolveSchema } from "../resolve-schema.ts";
import type { Change, Direction } from "./change.ts";
import { diffSchema } from "./diff-schema.ts";

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Both versions of one document, for resolving `$ref`s on either side. */
export interface Docs {
  readonly a: OpenApiDocument;
  readonly b: OpenApiDocument;
}

function resolved(doc: OpenApiDocument, value: unknown): Obj {
  return isObject(value) ? deref(doc, value) : {};
}

/** Parameters keyed by location and name; path parameters by position, so a rename is not a removal. */
function parameters(doc: OpenApiDocument, path: string, item: Obj, op: Obj): Map<string, Obj> {
  const order = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const out = new Map<string, Obj>();
  for (const raw of [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])]) {
    const p = resolved(doc, raw);
    const name = String(p.name);
    const key =
      p.in === "path"
        ? `path #${order.indexOf(name)}`
        : `${String(p.in)} ${p.in === "header" ? name.toLowerCase() : name}`;
    out.set(key, p);
  }
  return out;
}

function media(doc: OpenApiDocument, content: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [type, m] of Object.entries(isObject(content) ? content : {})) {
    out.set(type, resolveSchema(doc, isObject(m) ? m.schema : undefined));
  }
  return out;
}

/** Effective security: scheme → scopes (union over the alternatives), and whether it is optional. */
function security(doc: OpenApiDocument, op: Obj) {
  const list = (op.security ?? doc.security ?? []) as Record<string, string[]>[];
  const schemes = new Map<string, Set<string>>();
  for (const requirement of list) {
    for (const [scheme, scopes] of Object.entries(requirement)) {
      const set = schemes.get(scheme) ?? new Set<string>();
      for (const s of scopes) set.add(s);
      schemes.set(scheme, set);
    }
  }
  return { schemes, optional: list.length === 0 || list.some((r) => Object.keys(r).length === 0) };
}

/** Compares one operation (or callback operation) present in both versions. */
export function diffOperation(
  docs: Docs,
  location: string,
  path: { a: string; b: string },
  items: { a: Obj; b: Obj },
  ops: { a: Obj; b: Obj },
  directions: { body: Direction; responses: Direction } = { body: "request", responses: "response" },
): Change[] {
  const out: Change[] = [];
  const add = (cls: Change["class"], kind: string, message: string) =>
    out.push({ class: cls, kind, location, message });
  const { a, b } = ops;
  if (a.operationId !== b.operationId) {
    add(
      "informational",
      "operation-id-changed",
      `operationId changed from ${String(a.operationId)} to ${String(b.operationId)}`,
    );
  }
  if (a.deprecated !== true && b.deprecated === true)
    add("informational", "operation-deprecated", "operation deprecated");

  const pa = parameters(docs.a, path.a, items.a, a);
  const pb = parameters(docs.b, path.b, items.b, b);
  for (const [key, p] of pb) {
    const old = pa.get(key);
    const name = `parameter ${String(p.name)} (in ${String(p.in)})`;
    if (!old) {
      if (p.required === true) add("breaking", "required-parameter-added", `${name}: new required parameter`);
      else add("non-breaking", "parameter-added", `${name}: new optional parameter`);
      continue;
    }
    if (old.name !== p.name)
      add("informational", "parameter-renamed", `${name}: renamed from ${String(old.name)}`);
    if (old.required !== true && p.required === true)
      add("breaking", "parameter-became-required", `${name}: became required`);
    if (old.required === true && p.required !== true)
      add("non-breaking", "parameter-became-optional", `${name}: became optional`);
    out.push(
      ...diffSchema(resolveSchema(docs.a, old.schema), resolveSchema(docs.b, p.schema), {
        direction: "request",
        location,
        where: name,
        docs,
      }),
    );
  }
  for (const [key, p] of pa) {
    if (!pb.has(key))
      add("informational", "parameter-removed", `parameter ${String(p.name)} (in ${String(p.in)}): removed`);
  }

  const ba = a.requestBody ? resolved(docs.a, a.requestBody) : null;
  const bb = b.requestBody ? resolved(docs.b, b.requestBody) : null;
  const bodyDir = directions.body;
  if (!ba && bb) {
    add(
      bb.required === true ? "breaking" : "non-breaking",
      "request-body-added",
      `request body added${bb.required === true ? " and required" : ""}`,
    );
  } else if (ba && !bb) {
    add("informational", "request-body-removed", "request body removed");
  } else if (ba && bb) {
    if (ba.required !== true && bb.required === true)
      add("breaking", "request-body-became-required", "request body became required");
    if (ba.required === true && bb.required !== true)
      add("non-breaking", "request-body-became-optional", "request body became optional");
    out.push(...diffContent(docs, location, "request body", ba.content, bb.content, bodyDir));
  }

  const ra = isObject(a.responses) ? a.responses : {};
  const rb = isObject(b.responses) ? b.responses : {};
  // One success status replaced by another (200 → 201) is one change, and its bodies still compare.
  const success = (r: Obj, other: Obj) => Object.keys(r).filter((s) => /^2\d\d$/.test(s) && !(s in other));
  const [goneSuccess, newSuccess] = [success(ra, rb), success(rb, ra)];
  const moved =
    goneSuccess.length === 1 && newSuccess.length === 1
      ? { from: goneSuccess[0] as string, to: newSuccess[0] as string }
      : null;
  if (moved) {
    add(
      directions.responses === "response" ? "breaking" : "non-breaking",
      "success-status-changed",
      `success status changed from ${moved.from} to ${moved.to}`,
    );
  }
  for (const status of Object.keys(ra)) {
    if (!(status in rb) && status !== moved?.from)
      add("breaking", "response-removed", `response ${status} removed`);
  }
  for (const status of Object.keys(rb)) {
    const before = status === moved?.to ? moved.from : status;
    if (!(before in ra)) {
      add("non-breaking", "response-added", `response ${status} added`);
      continue;
    }
    const x = resolved(docs.a, ra[before]);
    const y = resolved(docs.b, rb[status]);
    out.push(
      ...diffContent(docs, location, `response ${status}`, x.content, y.content, directions.responses),
    );
    const ha = Object.keys(isObject(x.headers) ? x.headers : {});
    const hb = Object.keys(isObject(y.headers) ? y.headers : {});
    for (const h of ha.filter((h) => !hb.includes(h)))
      add("breaking", "response-header-removed", `response ${status}: header ${h} removed`);
    for (const h of hb.filter((h) => !ha.includes(h)))
      add("non-breaking", "response-header-added", `response ${status}: header ${h} added`);
  }

  const sa = security(docs.a, a);
  const sb = security(docs.b, b);
  if (sa.optional && !sb.optional) add("breaking", "security-required", "security became required");
  for (const [scheme, scopes] of sb.schemes) {
    const old = sa.schemes.get(scheme);
    if (!old) {
      add("breaking", "security-scheme-added", `security scheme ${scheme} added`);
      continue;
    }
    const added = [...scopes].filter((s) => !old.has(s));
    const removed = [...old].filter((s) => !scopes.has(s));
    if (added.length > 0)
      add("breaking", "security-scopes-added", `${scheme}: scopes added: ${added.join(", ")}`);
    if (removed.length > 0)
      add("non-breaking", "security-scopes-removed", `${scheme}: scopes removed: ${removed.join(", ")}`);
  }
  for (const scheme of sa.schemes.keys()) {
    if (!sb.schemes.has(scheme))
      add("non-breaking", "security-scheme-removed", `security scheme ${scheme} removed`);
  }
  return out;
}

function diffContent(
  docs: Docs,
  location: string,
  label: string,
  a: unknown,
  b: unknown,
  direction: Direction,
): Change[] {
  const out: Change[] = [];
  const ma = media(docs.a, a);
  const mb = media(docs.b, b);
  for (const type of ma.keys()) {
    if (!mb.has(type))
      out.push({
        class: "breaking",
        kind: `${direction}-media-type-removed`,
        location,
        message: `${label}: media type ${type} removed`,
      });
  }
  for (const [type, schema] of mb) {
    if (!ma.has(type)) {
      out.push({
        class: "non-breaking",
        kind: `${direction}-media-type-added`,
        location,
        message: `${label}: media type ${type} added`,
      });
      continue;
    }
    out.push(...diffSchema(ma.get(type), schema, { direction, location, where: `${label} (${type})`, docs }));
  }
  return out;
}
