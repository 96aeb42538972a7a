import type { OperationManifest } from "../../generated/manifest-types.ts";
import { compliantSample } from "../schema/schema-samples.ts";
import { query } from "../support/json-path.ts";
import { resourceOfParam, subscriptionDetail } from "../support/resources.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check } from "./check.ts";

/**
 * Helpers of the rest of the Commonalities testing vocabulary (API-Testing-Guidelines r4.2 and the
 * templates beside it), whose steps are in commonalities-request-steps.ts, -subscription-steps.ts and
 * -response-steps.ts: wordings the guidelines give as examples and the event-subscription, device
 * and phone-number templates use. docs/step-coverage.md lists every phrase with its definition.
 */

export const THE = { "{the}": "(?:the\\s+)?" };

/** The operation of the Background resource that takes a request body (the one a scenario builds). */
export function bodyOperation(world: ConformanceWorld): OperationManifest {
  const path = world.resource;
  check(path, 'No resource: the Background must say `the resource "<path>"`.');
  const op = world.run.contract.operationsAt(path).find((o) => o.requestBody);
  check(op, `No operation at ${path} takes a request body.`);
  return op;
}

/** A schema-valid request body of that operation, drawn from the scenario's seed. */
export function sampleBody(world: ConformanceWorld, fork: string): unknown {
  const op = bodyOperation(world);
  const schema = op.requestBody?.content["application/json"];
  check(schema, `${op.operationId} has no JSON request body.`);
  return compliantSample(world.run.contract.schemaContext(world.api()), schema, world.random.fork(fork));
}

/** A value the property may take per the schema (from a sampled valid body). */
export function validValue(world: ConformanceWorld, path: string, fork: string): unknown {
  const [value] = query(sampleBody(world, fork), path);
  check(value !== undefined, `A valid request body has no property ${path} to sample.`);
  return value;
}

export function set(world: ConformanceWorld, path: string, value: unknown): void {
  world.draft.patches.push({ path, op: "set", value });
}

/** The resource kind a path parameter names; `id` (the guidelines' example) is the Background's. */
export function kindOfParam(world: ConformanceWorld, name: string) {
  const kind =
    resourceOfParam(name) ??
    resourceOfParam(/\{([^}]+)\}[^{]*$/.exec(world.resource ?? "")?.[1] ?? "") ??
    undefined;
  check(kind, `"${name}" identifies no resource the suite knows how to create.`);
  return kind;
}

/**
 * A statement about the implementation the scenario assumes ("that subscriptions are created
 * synchronously"). The suite cannot know it: the step is pending, so the scenario is reported as
 * not run, until the feature is adapted to the API (as the templates ask).
 */
export function assumption(this: ConformanceWorld, statement: string): string {
  void this.attach(`Assumed by the template, to be adapted to the API: ${statement}`);
  return "pending";
}

/** A value of the property's enum (or a variant of the text) that is none of `not`. */
export function otherValue(world: ConformanceWorld, path: string, not: readonly string[]): unknown {
  for (let i = 0; i < 30; i++) {
    const value = validValue(world, path, `other-${path}-${i}`);
    if (typeof value === "string" && !not.includes(value)) return value;
  }
  return `${not[0] ?? "value"}-other`;
}

/** The subscription body the suite's preconditions use: this scenario's sink, its registration. */
export async function subscriptionBody(world: ConformanceWorld): Promise<Record<string, unknown>> {
  const registration =
    world.created.find((r) => r.kind === "registration" && r.profile === "valid") ??
    (await world.createResource("registration"));
  return {
    protocol: "HTTP",
    sink: world.sinkUrl,
    types: ["org.camaraproject.webrtc-events.v0.session-invitation"],
    config: { subscriptionDetail: subscriptionDetail(world.run.contract.release, registration) },
  };
}

// Response validation (API-Testing-Guidelines §Response validation)

export function responseJson(world: ConformanceWorld): unknown {
  return world.sent().response.json;
}

/** The device object of the request body at `path`, and of the response. */
export function devices(world: ConformanceWorld, path: string) {
  const { request, response } = world.sent();
  const sent = request.body ? query(JSON.parse(request.body) as unknown, path)[0] : undefined;
  const answered = query(response.json, path)[0];
  return {
    sent: sent as Record<string, unknown> | undefined,
    answered: answered as Record<string, unknown> | undefined,
  };
}

export function singleIdentifierOfRequest(
  path: string,
  sent: Record<string, unknown> | undefined,
  answered: unknown,
) {
  check(answered && typeof answered === "object", `the response has no ${path}`);
  const entries = Object.entries(answered as Record<string, unknown>);
  check(entries.length === 1, `${path} of the response has ${entries.length} identifiers, expected 1`);
  const [key, value] = entries[0] as [string, unknown];
  check(
    sent !== undefined && JSON.stringify(sent[key]) === JSON.stringify(value),
    `${path}.${key} of the response was not in the request`,
  );
}
