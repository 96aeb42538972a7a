import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject } from "../doc-path.ts";
import { describeOperation, listOperations } from "../operations.ts";

/** The api-name of a document: the first segment of its server URL's path after `{apiRoot}`. */
function apiName(doc: Record<string, unknown>): string | undefined {
  const servers = doc.servers;
  const url = Array.isArray(servers) && isObject(servers[0]) ? servers[0].url : undefined;
  if (typeof url !== "string") return undefined;
  return /^(?:\{apiRoot\}|[a-z]+:\/\/[^/]+)?\/([^/]+)/.exec(url)?.[1];
}

const ACTION = "[a-z][a-z0-9-]*";
/** An event type (`org.camaraproject.<api-name>.<event-version>.<event-name>`) or a resource. */
const MIDDLE = "[a-z0-9][a-z0-9.-]*";

/**
 * CAMARA API Design Guide (Commonalities r4.x) §6.6: "Define a scope per API operation with the
 * structure: api-name:[resource:]action", where api-name "is the API name specified as the base path,
 * prior to the API version, in the servers[*].url property"; event subscriptions put the event type
 * in the resource place. Callback operations are the consumer's and carry no scopes.
 */
export const scopeNaming: RulesetFunction<unknown, null> = (doc) => {
  const results: IFunctionResult[] = [];
  if (!isObject(doc)) return results;
  const api = apiName(doc);
  if (!api) return results;
  const shape = new RegExp(`^${api.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(?:${MIDDLE}:)?${ACTION}$`);
  for (const site of listOperations(doc)) {
    if (site.callback || !Array.isArray(site.operation.security)) continue;
    site.operation.security.forEach((requirement, i) => {
      if (!isObject(requirement)) return;
      for (const [scheme, scopes] of Object.entries(requirement)) {
        if (!Array.isArray(scopes)) continue;
        scopes.forEach((scope, j) => {
          if (typeof scope === "string" && !shape.test(scope)) {
            results.push({
              message: `${describeOperation(site)}: scope "${scope}" is not ${api}:[resource:]action`,
              path: [...site.location, "security", i, scheme, j],
            });
          }
        });
      }
    });
  }
  return results;
};
