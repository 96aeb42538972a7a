import type { BuiltManifest, BuiltOperation } from "../codegen/build-manifest.ts";
import type { OpenApiDocument } from "../codegen/effective-spec.ts";
import { canonical, resolveSchema } from "./resolve-schema.ts";

/** One API version: its manifest and the effective spec its schema references resolve against. */
export interface ApiVersion {
  manifest: BuiltManifest;
  spec: OpenApiDocument;
}

type Obj = Record<string, unknown>;

function describeSchemaChange(label: string, before: unknown, after: unknown): string[] {
  if (canonical(before) === canonical(after)) return [];
  const b = (before ?? {}) as Obj;
  const a = (after ?? {}) as Obj;
  const bProps = (b.properties ?? {}) as Obj;
  const aProps = (a.properties ?? {}) as Obj;
  const bReq = new Set((b.required as string[]) ?? []);
  const aReq = new Set((a.required as string[]) ?? []);
  const lines: string[] = [];
  for (const p of Object.keys(aProps).sort()) {
    if (!(p in bProps)) lines.push(`${label}: property "${p}" added${aReq.has(p) ? " (required)" : ""}`);
  }
  for (const p of Object.keys(bProps).sort()) {
    if (!(p in aProps)) lines.push(`${label}: property "${p}" removed`);
    else {
      if (canonical(bProps[p]) !== canonical(aProps[p]))
        lines.push(`${label}: property "${p}" schema changed`);
      if (bReq.has(p) !== aReq.has(p))
        lines.push(`${label}: property "${p}" is now ${aReq.has(p) ? "required" : "optional"}`);
    }
  }
  if (lines.length === 0) lines.push(`${label}: schema changed`);
  return lines;
}

function diffOperation(old: ApiVersion, next: ApiVersion, o: BuiltOperation, n: BuiltOperation): string[] {
  const out: string[] = [];
  if (o.method !== n.method || o.fullPath !== n.fullPath) {
    out.push(`moved from ${o.method.toUpperCase()} ${o.fullPath} to ${n.method.toUpperCase()} ${n.fullPath}`);
  }
  const key = (p: { in: string; name: string }) => `${p.in} ${p.name}`;
  const oParams = new Map(o.parameters.map((p) => [key(p), p]));
  const nParams = new Map(n.parameters.map((p) => [key(p), p]));
  for (const [k, p] of nParams) {
    const before = oParams.get(k);
    if (!before) out.push(`parameter ${k} added${p.required ? " (required)" : ""}`);
    else {
      if (before.required !== p.required)
        out.push(`parameter ${k} is now ${p.required ? "required" : "optional"}`);
      if (
        canonical(resolveSchema(old.spec, before.schema)) !== canonical(resolveSchema(next.spec, p.schema))
      ) {
        out.push(`parameter ${k} schema changed`);
      }
    }
  }
  for (const k of oParams.keys()) if (!nParams.has(k)) out.push(`parameter ${k} removed`);

  if (!o.requestBody && n.requestBody)
    out.push(`request body added${n.requestBody.required ? " (required)" : ""}`);
  else if (o.requestBody && !n.requestBody) out.push("request body removed");
  else if (o.requestBody && n.requestBody) {
    if (o.requestBody.required !== n.requestBody.required) {
      out.push(`request body is now ${n.requestBody.required ? "required" : "optional"}`);
    }
    const types = [
      ...new Set([...Object.keys(o.requestBody.content), ...Object.keys(n.requestBody.content)]),
    ].sort();
    for (const t of types) {
      out.push(
        ...describeSchemaChange(
          `request body ${t}`,
          resolveSchema(old.spec, o.requestBody.content[t]),
          resolveSchema(next.spec, n.requestBody.content[t]),
        ),
      );
    }
  }

  const statuses = [...new Set([...Object.keys(o.responses), ...Object.keys(n.responses)])].sort();
  for (const s of statuses) {
    const before = o.responses[s];
    const after = n.responses[s];
    if (!before) out.push(`response ${s} added`);
    else if (!after) out.push(`response ${s} removed`);
    else {
      const types = [...new Set([...Object.keys(before.content), ...Object.keys(after.content)])].sort();
      for (const t of types) {
        out.push(
          ...describeSchemaChange(
            `response ${s} ${t}`,
            resolveSchema(old.spec, before.content[t]),
            resolveSchema(next.spec, after.content[t]),
          ),
        );
      }
    }
  }
  const added = n.scopes.filter((s) => !o.scopes.includes(s));
  const removed = o.scopes.filter((s) => !n.scopes.includes(s));
  if (added.length > 0 || removed.length > 0) {
    out.push(`scopes changed: ${[...removed.map((s) => `-${s}`), ...added.map((s) => `+${s}`)].join(" ")}`);
  }
  return out.map((line) => `~ ${n.operationId}: ${line}`);
}

/** Per-API change lines between two versions: `+` added, `-` removed, `~` changed. */
export function diffApi(old: ApiVersion | undefined, next: ApiVersion | undefined): string[] {
  if (!old && next) return [`+ API added (${next.manifest.operations.length} operations)`];
  if (old && !next) return ["- API removed"];
  if (!old || !next) return [];
  const lines: string[] = [];
  if (old.manifest.version !== next.manifest.version) {
    lines.push(`~ version ${old.manifest.version} → ${next.manifest.version}`);
  }
  if (old.manifest.basePath !== next.manifest.basePath) {
    lines.push(`~ base path ${old.manifest.basePath} → ${next.manifest.basePath}`);
  }
  const oOps = new Map(old.manifest.operations.map((op) => [op.operationId, op]));
  const nOps = new Map(next.manifest.operations.map((op) => [op.operationId, op]));
  for (const [id, op] of nOps) {
    if (!oOps.has(id)) lines.push(`+ operation ${id} (${op.method.toUpperCase()} ${op.fullPath})`);
  }
  for (const [id, op] of oOps) {
    if (!nOps.has(id)) lines.push(`- operation ${id} (${op.method.toUpperCase()} ${op.fullPath})`);
  }
  for (const [id, op] of nOps) {
    const before = oOps.get(id);
    if (before) lines.push(...diffOperation(old, next, before, op));
  }
  return lines;
}
