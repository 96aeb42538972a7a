import type { ParsedFeature } from "./parse-feature.ts";

/** Something a feature file says about the API, with the line that says it. */
export interface Claim<T> {
  readonly value: T;
  readonly line: number;
}

/** What a CAMARA Test_definitions feature claims about the spec, read from its step sentences. */
export interface FeatureClaims {
  /** `Feature: ... - Operation createSession`. */
  readonly operationId: Claim<string> | null;
  /** `the resource "/webrtc-call-handling/v0.3/sessions"` (Background or scenario). */
  readonly resources: Claim<string>[];
  /** `the HTTP "POST" request is sent`, `the client sends a POST request to ...`. */
  readonly methods: Claim<string>[];
  /** `sends a POST request to "/sessions"`. */
  readonly requests: Claim<{ method: string; path: string }>[];
  /** `the schema at "#/components/schemas/XCorrelator"`. */
  readonly schemaPointers: Claim<string>[];
  /** `the response status code is 400`, `should be 201 or 202`. */
  readonly statuses: Claim<number>[];
  /** Quoted identifiers: `with "registrationId" as "existing-session-id"`, path segments. */
  readonly identifiers: Claim<string>[];
}

const OPERATION = /\bOperation\s+([A-Za-z_][A-Za-z0-9_]*)/;
const RESOURCE = /\bthe resource "([^"]+)"/;
const HTTP_METHOD = /\bthe HTTP "([A-Za-z]+)" request\b/;
const SENDS = /\bsends a ([A-Za-z]+) request(?: to "([^"]*)")?/;
const SCHEMA = /\bschema at "([^"]+)"/g;
const STATUS = /\bresponse status code (?:is|should be)\s+(\d{3}(?:\s*(?:,|or)\s*\d{3})*)/;
const AS_VALUE = /\bwith "[^"]+" as "([^"]+)"/g;

export function featureClaims(feature: ParsedFeature): FeatureClaims {
  const op = OPERATION.exec(feature.title);
  const claims: FeatureClaims = {
    operationId: op?.[1] ? { value: op[1], line: feature.line } : null,
    resources: [],
    methods: [],
    requests: [],
    schemaPointers: [],
    statuses: [],
    identifiers: [],
  };
  const steps = [...feature.background, ...feature.scenarios.flatMap((s) => s.steps)];
  for (const { text, line } of steps) {
    const resource = RESOURCE.exec(text);
    if (resource?.[1]) claims.resources.push({ value: resource[1], line });
    const method = HTTP_METHOD.exec(text);
    if (method?.[1]) claims.methods.push({ value: method[1].toLowerCase(), line });
    const sends = SENDS.exec(text);
    if (sends?.[1]) {
      claims.methods.push({ value: sends[1].toLowerCase(), line });
      if (sends[2] !== undefined) {
        claims.requests.push({ value: { method: sends[1].toLowerCase(), path: sends[2] }, line });
        for (const segment of sends[2].split("/")) {
          if (segment !== "") claims.identifiers.push({ value: segment, line });
        }
      }
    }
    for (const m of text.matchAll(SCHEMA)) {
      if (m[1]) claims.schemaPointers.push({ value: m[1], line });
    }
    const status = STATUS.exec(text);
    if (status?.[1]) {
      for (const code of status[1].match(/\d{3}/g) ?? []) claims.statuses.push({ value: Number(code), line });
    }
    for (const m of text.matchAll(AS_VALUE)) {
      if (m[1]) claims.identifiers.push({ value: m[1], line });
    }
  }
  return claims;
}
