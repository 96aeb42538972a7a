import { type DocPath, isObject, pointer, resolve } from "./doc-path.ts";
import { describeOperation, listOperations } from "./operations.ts";

/** One place that says "this example is an instance of this schema". */
export interface ExampleUse {
  readonly schema: unknown;
  readonly schemaPath: DocPath;
  /** e.g. `PUT /sessions/{mediaSessionId}/status request body (application/json)`. */
  readonly label: string;
}

/** An example value, and every use of it (a component example may be used several times). */
export interface ExampleSite {
  /** The example's name: its key under `examples`, or `example`. */
  readonly name: string;
  readonly value: unknown;
  /** Where the value is written (inside `components/examples` for a referenced example). */
  readonly valuePath: DocPath;
  readonly uses: ExampleUse[];
}

class Collector {
  readonly sites = new Map<string, ExampleSite>();
  constructor(readonly doc: unknown) {}

  add(name: string, value: unknown, valuePath: DocPath, use: ExampleUse) {
    const key = pointer(valuePath);
    const site = this.sites.get(key) ?? { name, value, valuePath, uses: [] };
    site.uses.push(use);
    this.sites.set(key, site);
  }

  /** `example` / `examples` of a media type, parameter or header object whose schema is `schema`. */
  holder(
    holder: Record<string, unknown>,
    path: DocPath,
    schema: unknown,
    schemaPath: DocPath,
    label: string,
  ) {
    if (schema === undefined) return;
    const use = { schema, schemaPath, label };
    if (holder.example !== undefined) this.add("example", holder.example, [...path, "example"], use);
    if (!isObject(holder.examples)) return;
    for (const [key, raw] of Object.entries(holder.examples)) {
      const example = resolve(this.doc, raw, [...path, "examples", key]);
      if (!isObject(example.value) || !("value" in example.value)) continue;
      const name = example.refs.length > 0 ? String(example.path[example.path.length - 1]) : key;
      this.add(name, example.value.value, [...example.path, "value"], use);
    }
  }

  content(content: unknown, path: DocPath, label: string) {
    if (!isObject(content)) return;
    for (const [type, media] of Object.entries(content)) {
      if (!isObject(media)) continue;
      const at = [...path, type];
      this.holder(media, at, media.schema, [...at, "schema"], `${label} (${type})`);
    }
  }

  /** A parameter or header: examples beside `schema`, or inside `content`. */
  parameter(raw: unknown, path: DocPath, label: string) {
    const p = resolve(this.doc, raw, path);
    if (!isObject(p.value)) return;
    this.holder(p.value, p.path, p.value.schema, [...p.path, "schema"], label);
    this.content(p.value.content, [...p.path, "content"], label);
  }
}

/**
 * Every example of request bodies, responses, response headers and parameters of every operation,
 * callbacks included, with the schema each use site gives it. Component examples that no
 * operation uses are not listed (no schema says what they should be).
 */
export function collectExamples(doc: unknown): ExampleSite[] {
  const c = new Collector(doc);
  for (const site of listOperations(doc)) {
    const op = describeOperation(site);
    const params = [
      ...(Array.isArray(site.pathItem.parameters) ? site.pathItem.parameters : []).map(
        (p, i) => [p, [...site.location.slice(0, -1), "parameters", i]] as const,
      ),
      ...(Array.isArray(site.operation.parameters) ? site.operation.parameters : []).map(
        (p, i) => [p, [...site.location, "parameters", i]] as const,
      ),
    ];
    for (const [raw, path] of params) {
      const p = resolve(doc, raw, path).value;
      const name = isObject(p) ? `${String(p.name)} (in ${String(p.in)})` : "?";
      c.parameter(raw, path, `${op} parameter ${name}`);
    }
    const body = resolve(doc, site.operation.requestBody, [...site.location, "requestBody"]);
    if (isObject(body.value)) c.content(body.value.content, [...body.path, "content"], `${op} request body`);
    if (!isObject(site.operation.responses)) continue;
    for (const [status, raw] of Object.entries(site.operation.responses)) {
      const response = resolve(doc, raw, [...site.location, "responses", status]);
      if (!isObject(response.value)) continue;
      const label = `${op} response ${status}`;
      c.content(response.value.content, [...response.path, "content"], label);
      if (isObject(response.value.headers)) {
        for (const [name, header] of Object.entries(response.value.headers)) {
          c.parameter(header, [...response.path, "headers", name], `${label} header ${name}`);
        }
      }
    }
  }
  return [...c.sites.values()];
}
