import type { OperationManifest } from "../../generated/manifest-types.ts";
import { observeExchange } from "../checks/observe-exchange.ts";
import type { ResourceKind } from "../config/target-config.ts";
import { compliantSample, nonCompliantSample } from "../schema/schema-samples.ts";
import { sendRequest } from "./http-exchange.ts";
import { removeAtPath, setAtPath } from "./json-path.ts";
import { RESOURCES } from "./resources.ts";
import type { ConformanceWorld, SentExchange } from "./world.ts";

/**
 * How a `When` step names its request (API-Testing-Guidelines §Request sending):
 * - by operationId (`the request "createSession" is sent`), resolved through the manifests;
 * - by method on the Background resource (`the HTTP "DELETE" request is sent`);
 * - by method and a path relative to the API's base (`the client sends a GET request to "/x"`).
 */
export type RequestTarget =
  | { readonly kind: "operation"; readonly operationId: string }
  | { readonly kind: "resource"; readonly method: string }
  | { readonly kind: "path"; readonly method: string; readonly path: string };

/** Resolves everything the scenario has said about the request, sends it and records the exchange. */
export async function sendScenarioRequest(
  world: ConformanceWorld,
  target: RequestTarget,
): Promise<SentExchange> {
  const { contract, config } = world.run;
  let method: string;
  let template: string;
  if (target.kind === "operation") {
    const operation = contract.operation(target.operationId);
    method = operation.method.toUpperCase();
    template = operation.fullPath;
  } else if (target.kind === "resource") {
    if (!world.resource) throw new Error('No resource: the Background must say `the resource "<path>"`.');
    method = target.method.toUpperCase();
    template = world.resource;
  } else {
    method = target.method.toUpperCase();
    const path = world.mapPath(world.interpolate(target.path));
    const base = world.resource ? contract.apiOfPath(world.resource)?.basePath : undefined;
    template = contract.apiOfPath(path) || base === undefined ? path : `${base}${path}`;
  }

  const concretePath = await fillTemplate(world, template);
  const query = [...world.draft.queryParams]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(world.interpolate(v))}`)
    .join("&");
  const matched = contract.match(method, concretePath);
  const operation = target.kind === "operation" ? contract.operation(target.operationId) : matched?.operation;
  const api = contract.apiOfPath(concretePath)?.name;

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(world.draft.headerRecord()))
    headers[name] = await world.bound(value);
  // Sent by operationId, a request has a body only if the operation defines one (a GET after a
  // POST in the same scenario does not resend the POST's body).
  const takesNoBody = target.kind === "operation" && operation?.requestBody === null;
  const body = takesNoBody ? undefined : await resolveBody(world, operation, api);

  const exchange = await sendRequest(
    {
      method,
      url: `${world.apiRoot}${concretePath}${query ? `?${query}` : ""}`,
      headers,
      body,
    },
    config.timeouts.requestMs,
  );
  world.exchange = { ...exchange, operation, api };
  if (!rememberCreated(world, world.exchange))
    observeExchange(world.ledger, contract, world.exchange, world.authProfile);
  return world.exchange;
}

/**
 * A resource the scenario's own request created is removed after the scenario too, and checked.
 * @returns whether the exchange created one
 */
function rememberCreated(world: ConformanceWorld, exchange: SentExchange): boolean {
  const kind = (Object.keys(RESOURCES) as ResourceKind[]).find(
    (k) => RESOURCES[k].create === exchange.operation?.operationId,
  );
  const body = exchange.response.json as Record<string, unknown> | undefined;
  const id = kind ? body?.[RESOURCES[kind].idProperty] : undefined;
  if (!kind || exchange.response.status >= 300 || typeof id !== "string") return false;
  let request: unknown;
  try {
    request = exchange.request.body === undefined ? undefined : JSON.parse(exchange.request.body);
  } catch {
    request = undefined;
  }
  const profile = world.authProfile;
  const created = { kind, id, profile: profile ?? "valid", body, request };
  world.created.push(created);
  // A token the suite cannot name (for a phone number given by the scenario) is not tracked.
  if (profile !== undefined) world.track(created);
  return true;
}

/** Fills `{param}` segments from the draft and binds placeholder segments of a literal path. */
async function fillTemplate(world: ConformanceWorld, template: string): Promise<string> {
  const segments = template.split("/");
  const out: string[] = [];
  for (const segment of segments) {
    const param = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (param === undefined) {
      out.push(segment === "" ? "" : encodeURIComponent(await world.bound(decodeURIComponent(segment))));
      continue;
    }
    const setting = world.draft.pathParams.get(param);
    if (!setting)
      throw new Error(`The scenario gives no value for the path parameter "${param}" of ${template}.`);
    if (setting.kind === "omitted") {
      out.push("");
    } else if (setting.kind === "existing") {
      const id = (await world.createResource(setting.resource)).id;
      world.draft.pathParams.set(param, { kind: "value", value: id });
      out.push(encodeURIComponent(id));
    } else {
      out.push(encodeURIComponent(await world.bound(setting.value)));
    }
  }
  return out.join("/");
}

/** The body text to send, or undefined for none. */
async function resolveBody(
  world: ConformanceWorld,
  operation: OperationManifest | undefined,
  api: string | undefined,
): Promise<string | undefined> {
  const { draft } = world;
  const schema = operation?.requestBody?.content["application/json"];
  const context = api ? world.run.contract.schemaContext(api) : undefined;
  const implied = draft.defaultBody !== undefined || draft.patches.length > 0;
  const setting = draft.body ?? (implied ? { kind: "valid" as const } : { kind: "none" as const });
  let value: unknown;
  switch (setting.kind) {
    case "none":
      return undefined;
    case "raw":
      return world.interpolate(setting.text); // sent as written, JSON or not
    case "json":
      value = structuredClone(setting.value);
      break;
    case "valid":
      if (draft.defaultBody !== undefined) value = structuredClone(draft.defaultBody);
      else if (schema && context) value = compliantSample(context, schema, world.random.fork("valid-body"));
      else return undefined; // the operation takes no body: a valid request has none
      break;
    case "nonCompliant": {
      if (!context) throw new Error("A non-compliant body needs an API: set the resource first.");
      const target = setting.pointer ? { $ref: toRef(setting.pointer) } : schema;
      if (!target) throw new Error(`${operation?.operationId ?? "This request"} has no request body schema.`);
      value = nonCompliantSample(context, target, world.random.fork("non-compliant-body"));
      break;
    }
  }
  for (const patch of draft.patches) {
    value = patch.op === "set" ? setAtPath(value, patch.path, patch.value) : removeAtPath(value, patch.path);
  }
  return JSON.stringify(await world.bindDeep(value));
}

function toRef(pointer: string): string {
  const p = pointer.trim();
  return p.startsWith("#") ? p : `#${p.startsWith("/") ? "" : "/"}${p}`;
}
