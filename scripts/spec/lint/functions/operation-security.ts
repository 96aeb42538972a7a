import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject } from "../doc-path.ts";
import { describeOperation, listOperations } from "../operations.ts";

export interface OperationSecurityOptions {
  /** HTTP methods (lower case) whose operations must be protected. */
  readonly methods: readonly string[];
}

/**
 * OWASP API2:2023 write-restricted / read-restricted: operations must be protected by a security
 * scheme. An empty requirement (`- {}`) makes security optional (OpenAPI 3.0 §4.7.30), so a list
 * holding only `{}` protects nothing. Callback operations are served by the API consumer and are
 * not judged.
 */
export const operationSecurity: RulesetFunction<unknown, OperationSecurityOptions> = (doc, options) => {
  const results: IFunctionResult[] = [];
  if (!isObject(doc)) return results;
  for (const site of listOperations(doc)) {
    if (site.callback || !options.methods.includes(site.method)) continue;
    const security = site.operation.security ?? doc.security;
    const protectedBy = Array.isArray(security)
      ? security.filter((r) => isObject(r) && Object.keys(r).length > 0)
      : [];
    if (protectedBy.length === 0) {
      results.push({
        message: `${describeOperation(site)} is not protected by any security scheme`,
        path: [...site.location],
      });
    }
  }
  return results;
};
