import type { OpenApiDocument } from "../../codegen/effective-spec.ts";
import { canonical } from "../resolve-schema.ts";
import type { Change } from "./change.ts";

type Obj = Record<string, unknown>;

function schemasOf(doc: OpenApiDocument): Obj {
  const schemas = doc.components?.schemas;
  return typeof schemas === "object" && schemas !== null ? (schemas as Obj) : {};
}

/**
 * Named schemas that disappeared, appeared or were renamed between two versions. Names are not on
 * the wire (the operations' bodies are compared where they are used), so these are informational;
 * but code generated from the spec names its types after them, and Test_definitions point at them
 * (`#/components/schemas/<name>`). A schema gone under one name and present under another is a
 * rename when the shapes are equal or the names differ only in case (`regSessionRequest` →
 * `RegSessionRequest`).
 */
export function diffComponentSchemas(a: OpenApiDocument, b: OpenApiDocument): Change[] {
  const [sa, sb] = [schemasOf(a), schemasOf(b)];
  const removed = Object.keys(sa).filter((n) => !(n in sb));
  const added = new Set(Object.keys(sb).filter((n) => !(n in sa)));
  const out: Change[] = [];
  const change = (kind: string, message: string) =>
    out.push({ class: "informational", kind, location: "components.schemas", message });
  for (const name of removed) {
    const shape = canonical(sa[name]);
    const sameShape = [...added].find((n) => canonical(sb[n]) === shape);
    const sameName = [...added].find((n) => n.toLowerCase() === name.toLowerCase());
    const to = sameShape ?? sameName;
    if (to) {
      added.delete(to);
      change(
        "schema-renamed",
        `schema ${name} renamed to ${to}${to === sameShape ? " (same shape)" : " (shape changed too: see the operations using it)"}`,
      );
    } else {
      change("schema-removed", `schema ${name} removed`);
    }
  }
  for (const name of added) change("schema-added", `schema ${name} added`);
  return out;
}
