import type { BuiltManifest, BuiltOperation } from "./build-manifest.ts";
import { pascalCase } from "./names.ts";

const JSON_TYPES = ["application/json", "application/cloudevents+json"];

function preferredMediaType(content: Record<string, unknown>): string | undefined {
  const types = Object.keys(content);
  return types.find((t) => JSON_TYPES.includes(t)) ?? types[0];
}

/** The brand every contract type of a release carries (see emitHandlers). */
const BRAND = "ReleaseBrand";

function inputType(op: BuiltOperation): string {
  const ref = `operations[${JSON.stringify(op.operationId)}]`;
  const fields: string[] = [];
  for (const location of ["path", "query", "header"] as const) {
    const params = op.parameters.filter((p) => p.in === location);
    if (params.length === 0) continue;
    const key = location === "header" ? "headers" : location;
    const anyRequired = params.some((p) => p.required);
    const type = `${ref}["parameters"][${JSON.stringify(location)}]`;
    fields.push(`  readonly ${key}: ${anyRequired ? type : `NonNullable<${type}>`};`);
  }
  if (op.requestBody) {
    const mediaType = preferredMediaType(op.requestBody.content);
    if (mediaType) {
      const content = `[${JSON.stringify("content")}][${JSON.stringify(mediaType)}]`;
      fields.push(
        op.requestBody.required
          ? `  readonly body: ${ref}["requestBody"]${content};`
          : `  /** The request body is optional in the spec. */\n  readonly body: NonNullable<${ref}["requestBody"]>${content} | undefined;`,
      );
    }
  }
  return fields.length > 0 ? `${BRAND} & {\n${fields.join("\n")}\n}` : `${BRAND} & Record<string, never>`;
}

function responseUnion(op: BuiltOperation, statuses: string[]): string {
  if (statuses.length === 0) return " never";
  return ` ${BRAND} & (${responseMembers(op, statuses)}\n)`;
}

function responseMembers(op: BuiltOperation, statuses: string[]): string {
  const ref = `operations[${JSON.stringify(op.operationId)}]["responses"]`;
  return statuses
    .map((status) => {
      const mediaType = preferredMediaType(op.responses[status]?.content ?? {});
      const statusType = /^\d+$/.test(status) ? status : "number";
      const key = /^\d+$/.test(status) ? status : JSON.stringify(status);
      return mediaType
        ? `\n  | { readonly status: ${statusType}; readonly body: ${ref}[${key}]["content"][${JSON.stringify(mediaType)}] }`
        : `\n  | { readonly status: ${statusType} }`;
    })
    .join("");
}

/**
 * The typed handler contract of one API: per operation an Input (path, query, headers, body), a
 * Success union (documented 2xx status + body pairs, what a handler returns) and a Response union
 * (every documented pair, errors included); then one interface with a method per operationId.
 *
 * Each of these types carries the release as an optional literal property that never exists at run
 * time, so that the contract of one release is not assignable to that of another even where their
 * shapes agree: handlers written for r2.2 cannot be mounted where r3.1's are expected.
 */
export function emitHandlers(manifest: BuiltManifest): string {
  const iface = `${pascalCase(manifest.name)}Handlers`;
  const out: string[] = [
    'import type { operations } from "./types.ts";',
    "",
    `/** The CAMARA release of this contract. */`,
    `export type Release = ${JSON.stringify(manifest.release)};`,
    "",
    `/** Marks a type as ${manifest.release}'s: the same type of another release is not assignable to it. */`,
    `export interface ${BRAND} {`,
    `  readonly "~camaraRelease"?: Release;`,
    "}",
    "",
  ];
  const methods: string[] = [];
  for (const op of manifest.operations) {
    const name = pascalCase(op.operationId);
    const statuses = Object.keys(op.responses).sort();
    const success = statuses.filter((s) => /^2\d\d$/.test(s));
    out.push(
      `/** Input of \`${op.operationId}\` (${op.method.toUpperCase()} ${op.fullPath}). */`,
      `export type ${name}Input = ${inputType(op)};`,
      "",
      `/** What a \`${op.operationId}\` handler returns: a documented 2xx status with its body. Errors are thrown as ApiError. */`,
      `export type ${name}Success =${responseUnion(op, success)};`,
      "",
      `/** Every documented response of \`${op.operationId}\`, errors included. */`,
      `export type ${name}Response =${responseUnion(op, statuses)};`,
      "",
    );
    const scopes = op.scopes.length > 0 ? ` Scopes: ${op.scopes.join(", ")}.` : "";
    methods.push(
      `  /** ${op.method.toUpperCase()} ${op.fullPath}.${scopes} */`,
      `  ${op.operationId}(input: ${name}Input, ctx: Ctx): Promise<${name}Success>;`,
    );
  }
  out.push(
    `/** One method per operationId of ${manifest.title} ${manifest.version} (CAMARA ${manifest.release}). */`,
    `export interface ${iface}<Ctx = unknown> extends ${BRAND} {`,
    ...methods,
    "}",
    "",
  );
  return out.join("\n");
}
