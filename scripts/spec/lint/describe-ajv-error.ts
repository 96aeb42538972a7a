import type { SchemaErrors } from "camara-webrtc-runtime";

type AjvError = SchemaErrors[number];

/** `/config/subscriptionDetail` → `config.subscriptionDetail` (empty for the root). */
export function dotted(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

/** One readable clause for an ajv error, with the allowed values or the offending property named. */
export function describeAjvError(error: AjvError, prefix = ""): string {
  const where = [prefix, dotted(error.instancePath)].filter((s) => s !== "").join(".");
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? "is invalid";
  if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (error.keyword === "additionalProperties") {
    message = `must not have property "${String(params.additionalProperty)}"`;
  }
  return where === "" ? message : `${where} ${message}`;
}

/** Splits an ajv instancePath into path segments (array indices as numbers). */
export function instanceSegments(instancePath: string): (string | number)[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
