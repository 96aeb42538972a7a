import type { OpenApiDocument } from "../../codegen/effective-spec.ts";
import { canonical, resolveSchema } from "../resolve-schema.ts";
import { type Change, type ChangeClass, type Direction, NARROWED, WIDENED } from "./change.ts";

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Where in an operation a schema sits, and which way its data flows. */
export interface SchemaSite {
  readonly direction: Direction;
  readonly location: string;
  /** e.g. `request body (application/json)`, `parameter registrationId (in path)`. */
  readonly where: string;
  /** Both documents, to follow discriminator mappings (left unanalysed without them). */
  readonly docs?: { readonly a: OpenApiDocument; readonly b: OpenApiDocument };
}

/** Upper bounds: a smaller value, or a new one, narrows. */
const UPPER = ["maxLength", "maximum", "maxItems", "maxProperties"] as const;
/** Lower bounds: a larger value, or a new one, narrows. */
const LOWER = ["minLength", "minimum", "minItems", "minProperties"] as const;

class SchemaDiff {
  /** Mapping target pairs already compared: a mapped schema usually `allOf`s its parent. */
  readonly mapped = new Set<string>();

  constructor(
    readonly site: SchemaSite,
    readonly out: Change[],
  ) {}

  add(cls: ChangeClass, kind: string, path: string, message: string) {
    const at = path === "" ? this.site.where : `${this.site.where}: ${path}`;
    this.out.push({
      class: cls,
      kind: `${this.site.direction}-${kind}`,
      location: this.site.location,
      message: `${at}: ${message}`,
    });
  }

  /** A narrowing or widening of a constraint (not an enum or type). */
  constraint(narrowed: boolean, path: string, message: string) {
    const d = this.site.direction;
    const cls: ChangeClass = narrowed ? NARROWED[d] : d === "request" ? "non-breaking" : "informational";
    const note =
      !narrowed && d === "response" ? " (clients that validate responses may reject new values)" : "";
    this.add(cls, narrowed ? "constraint-tightened" : "constraint-loosened", path, `${message}${note}`);
  }

  compare(a: unknown, b: unknown, path: string): void {
    if (!isObject(a) || !isObject(b)) return;
    const same = canonical(a) === canonical(b);
    // Equal schemas may still map discriminator values to schemas that changed: walk those.
    if (same && !(this.site.docs && canonical(a).includes('"discriminator":'))) return;
    if (a.$recursive !== undefined || b.$recursive !== undefined) {
      this.add(
        "informational",
        "recursive-schema-changed",
        path,
        "a recursive schema changed (not analysed)",
      );
      return;
    }
    this.types(a, b, path);
    this.enums(a, b, path);
    this.bounds(a, b, path);
    this.nullable(a, b, path);
    this.properties(a, b, path);
    if (isObject(a.items) || isObject(b.items)) this.compare(a.items ?? {}, b.items ?? {}, `${path}[]`);
    for (const keyword of ["oneOf", "anyOf", "not"]) {
      if (canonical(a[keyword]) !== canonical(b[keyword])) {
        this.add("informational", `${keyword}-changed`, path, `${keyword} changed (not analysed)`);
      }
    }
    this.discriminators(a, b, path);
  }

  /** Compares the schemas each discriminator value maps to (OpenAPI 3.0 §4.7.25), value by value. */
  discriminators(a: Obj, b: Obj, path: string) {
    const [da, db] = [a.discriminator, b.discriminator];
    if (canonical(da) === canonical(db) && !isObject(da)) return;
    const d = this.site.direction;
    if (isObject(da) && !isObject(db)) {
      const mapping = isObject(da.mapping) ? ` (mapping ${mappingText(da.mapping)} no longer applies)` : "";
      this.add(
        WIDENED[d],
        "discriminator-removed",
        path,
        `discriminator on ${show(da.propertyName)} removed${mapping}`,
      );
      return;
    }
    if (!isObject(da) && isObject(db)) {
      const mapping = isObject(db.mapping) ? ` (mapping ${mappingText(db.mapping)})` : "";
      this.add(
        NARROWED[d],
        "discriminator-added",
        path,
        `discriminator on ${show(db.propertyName)} added${mapping}`,
      );
      return;
    }
    if (!isObject(da) || !isObject(db) || da.propertyName !== db.propertyName || !this.site.docs) {
      if (canonical(da) !== canonical(db))
        this.add("informational", "discriminator-changed", path, "discriminator changed (not analysed)");
      return;
    }
    const ma = (isObject(da.mapping) ? da.mapping : {}) as Record<string, string>;
    const mb = (isObject(db.mapping) ? db.mapping : {}) as Record<string, string>;
    const ref = (target: string) => (target.startsWith("#") ? target : `#/components/schemas/${target}`);
    for (const value of Object.keys(ma)) {
      if (!(value in mb))
        this.add(
          "informational",
          "discriminator-mapping-removed",
          path,
          `discriminator value ${show(value)} no longer mapped`,
        );
    }
    for (const [value, target] of Object.entries(mb)) {
      const old = ma[value];
      if (old === undefined) {
        this.add(
          "informational",
          "discriminator-mapping-added",
          path,
          `discriminator value ${show(value)} mapped to ${target}`,
        );
        continue;
      }
      const key = `${ref(old)} ${ref(target)}`;
      if (this.mapped.has(key)) continue;
      this.mapped.add(key);
      const { a: docA, b: docB } = this.site.docs;
      // A mapped schema inherits the discriminator through allOf: name each choice from the root.
      const at = `${path.replace(/(<[^>]*>)+$/, "")}<${String(db.propertyName)}=${value}>`;
      this.compare(resolveSchema(docA, { $ref: ref(old) }), resolveSchema(docB, { $ref: ref(target) }), at);
    }
  }

  types(a: Obj, b: Obj, path: string) {
    const d = this.site.direction;
    for (const keyword of ["type", "format"] as const) {
      const [x, y] = [a[keyword], b[keyword]];
      if (canonical(x) === canonical(y)) continue;
      if (x !== undefined && y !== undefined) {
        this.add(
          "breaking",
          `${keyword}-changed`,
          path,
          `${keyword} changed from ${String(x)} to ${String(y)}`,
        );
      } else if (y !== undefined) {
        this.add(NARROWED[d], `${keyword}-added`, path, `${keyword} ${String(y)} added`);
      } else {
        this.add(WIDENED[d], `${keyword}-removed`, path, `${keyword} ${String(x)} removed`);
      }
    }
  }

  enums(a: Obj, b: Obj, path: string) {
    const d = this.site.direction;
    const [x, y] = [a.enum, b.enum];
    if (!Array.isArray(x) && !Array.isArray(y)) return;
    if (!Array.isArray(x)) {
      this.add(NARROWED[d], "enum-narrowed", path, `enum added (${(y as unknown[]).map(show).join(", ")})`);
      return;
    }
    if (!Array.isArray(y)) {
      this.add(WIDENED[d], "enum-widened", path, "enum removed (any value allowed)");
      return;
    }
    const removed = x.filter((v) => !y.some((w) => canonical(w) === canonical(v)));
    const added = y.filter((v) => !x.some((w) => canonical(w) === canonical(v)));
    if (removed.length > 0)
      this.add(NARROWED[d], "enum-narrowed", path, `enum narrowed: removed ${removed.map(show).join(", ")}`);
    if (added.length > 0)
      this.add(WIDENED[d], "enum-widened", path, `enum widened: added ${added.map(show).join(", ")}`);
  }

  bounds(a: Obj, b: Obj, path: string) {
    for (const keyword of UPPER) this.bound(a, b, path, keyword, (x, y) => y < x);
    for (const keyword of LOWER) this.bound(a, b, path, keyword, (x, y) => y > x);
    for (const keyword of ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] as const) {
      if ((a[keyword] === true) !== (b[keyword] === true)) {
        this.constraint(b[keyword] === true, path, `${keyword} ${b[keyword] === true ? "set" : "unset"}`);
      }
    }
    for (const keyword of ["pattern", "multipleOf"] as const) {
      const [x, y] = [a[keyword], b[keyword]];
      if (x === y) continue;
      const added = keyword === "pattern" ? addedAlternatives(x, y) : undefined;
      if (x === undefined) this.constraint(true, path, `${keyword} ${show(y)} added`);
      else if (y === undefined) this.constraint(false, path, `${keyword} ${show(x)} removed`);
      else if (added)
        this.constraint(
          false,
          path,
          `pattern widened: alternatives ${added.map(show).join(", ")} added to ${show(x)}`,
        );
      else this.constraint(true, path, `${keyword} changed from ${show(x)} to ${show(y)}`);
    }
    const [x, y] = [a.additionalProperties, b.additionalProperties];
    if (x !== false && y === false) this.constraint(true, path, "additional properties no longer allowed");
    else if (x === false && y !== false) this.constraint(false, path, "additional properties now allowed");
    else if (isObject(x) && isObject(y)) this.compare(x, y, `${path}{*}`);
  }

  bound(a: Obj, b: Obj, path: string, keyword: string, tighter: (x: number, y: number) => boolean) {
    const [x, y] = [a[keyword], b[keyword]];
    if (x === y) return;
    const implied = keyword === "maxLength" ? impliedMaxLength(a) : undefined;
    if (typeof y === "number" && typeof x !== "number" && implied && implied.max <= y) {
      this.add(
        "informational",
        "constraint-restated",
        path,
        `${keyword} ${y} added (no narrowing: ${implied.by} already limited it to ${implied.max})`,
      );
    } else if (typeof y === "number" && typeof x !== "number")
      this.constraint(true, path, `${keyword} ${y} added`);
    else if (typeof x === "number" && typeof y !== "number")
      this.constraint(false, path, `${keyword} ${x} removed`);
    else if (typeof x === "number" && typeof y === "number") {
      this.constraint(tighter(x, y), path, `${keyword} changed from ${x} to ${y}`);
    }
  }

  nullable(a: Obj, b: Obj, path: string) {
    if ((a.nullable === true) === (b.nullable === true)) return;
    const d = this.site.direction;
    if (b.nullable === true) this.add(WIDENED[d], "nullable-added", path, "null now allowed");
    else this.add(NARROWED[d], "nullable-removed", path, "null no longer allowed");
  }

  properties(a: Obj, b: Obj, path: string) {
    const d = this.site.direction;
    const pa = isObject(a.properties) ? a.properties : {};
    const pb = isObject(b.properties) ? b.properties : {};
    const ra = new Set(Array.isArray(a.required) ? (a.required as string[]) : []);
    const rb = new Set(Array.isArray(b.required) ? (b.required as string[]) : []);
    const at = (name: string) => (path === "" ? name : `${path}.${name}`);
    for (const name of Object.keys(pb)) {
      if (name in pa) continue;
      if (rb.has(name) && d === "request") {
        this.add("breaking", "required-property-added", at(name), "new required property");
      } else {
        this.add(
          "non-breaking",
          "property-added",
          at(name),
          `new ${rb.has(name) ? "required" : "optional"} property`,
        );
      }
    }
    for (const name of Object.keys(pa)) {
      if (name in pb) continue;
      if (d === "response") {
        if (ra.has(name))
          this.add("breaking", "required-property-removed", at(name), "required property removed");
        else this.add("non-breaking", "property-removed", at(name), "optional property removed");
      } else if (b.additionalProperties === false) {
        this.add(
          "breaking",
          "property-removed",
          at(name),
          "property removed, and additional properties are rejected",
        );
      } else {
        this.add(
          "informational",
          "property-removed",
          at(name),
          "property removed (servers ignore or reject it)",
        );
      }
    }
    for (const name of Object.keys(pa)) {
      if (!(name in pb)) continue;
      if (!ra.has(name) && rb.has(name)) {
        this.add(
          d === "request" ? "breaking" : "non-breaking",
          "property-became-required",
          at(name),
          "property became required",
        );
      } else if (ra.has(name) && !rb.has(name)) {
        this.add(
          d === "request" ? "non-breaking" : "breaking",
          "property-became-optional",
          at(name),
          "property became optional",
        );
      }
      this.compare(pa[name], pb[name], at(name));
    }
  }
}

function mappingText(mapping: Obj): string {
  return Object.entries(mapping)
    .map(([value, target]) => `${value} → ${String(target).replace("#/components/schemas/", "")}`)
    .join(", ");
}

/** Lengths some formats fix (OpenAPI Format Registry). */
const FORMAT_LENGTH: Record<string, number> = { uuid: 36 };

/**
 * The longest string a schema already allows without `maxLength`: a fixed-length format, or a
 * pattern that is one anchored character class with a bounded quantifier (`^[a-z0-9-]{0,256}$`).
 */
export function impliedMaxLength(schema: Obj): { max: number; by: string } | undefined {
  const byFormat = typeof schema.format === "string" ? FORMAT_LENGTH[schema.format] : undefined;
  if (byFormat !== undefined) return { max: byFormat, by: `format ${schema.format}` };
  if (typeof schema.pattern !== "string") return undefined;
  const m = /^\^(?:\[(?:\\.|[^\]\\])*\]|\\.|[^\\[\](){}|*+?^$])\{(?:\d+,)?(\d+)\}\$$/.exec(schema.pattern);
  return m?.[1] ? { max: Number(m[1]), by: `pattern ${show(schema.pattern)}` } : undefined;
}

/** The top-level alternatives of `^(a|b|c)$` or `^a|b$`-free `^(...)$` patterns; undefined for others. */
function alternatives(pattern: string): string[] | undefined {
  const m = /^\^\((.*)\)\$$/.exec(pattern);
  if (!m?.[1]) return undefined;
  const body = m[1];
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth < 0) return undefined; // `^(a)|(b)$`: not one group.
    } else if (c === "|" && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out;
}

/**
 * The alternatives `next` adds when it keeps every alternative of `old` (`^(tel:…|sip:…)$` →
 * `^(tel:…|sip:…|urn:service:sos…)$`): a widening, not a change of meaning.
 */
export function addedAlternatives(old: unknown, next: unknown): string[] | undefined {
  if (typeof old !== "string" || typeof next !== "string") return undefined;
  const [a, b] = [alternatives(old), alternatives(next)];
  if (!a || !b || !a.every((alt) => b.includes(alt))) return undefined;
  const added = b.filter((alt) => !a.includes(alt));
  return added.length > 0 ? added : undefined;
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Compares two resolved schemas (refs inlined, allOf folded: see resolve-schema.ts) of the same
 * place in two versions of an API, classing each difference by the direction the data flows.
 */
export function diffSchema(a: unknown, b: unknown, site: SchemaSite): Change[] {
  const out: Change[] = [];
  new SchemaDiff(site, out).compare(a, b, "");
  // A schema a discriminator maps to usually allOf's the schema holding the discriminator, so a
  // change of the parent shows again under each mapped value: keep it once.
  const seen = new Set<string>();
  return out.filter((c) => {
    const key = `${c.kind} ${c.message.replace(/<[^>]*>\.?/g, "")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
