import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject } from "../doc-path.ts";
import { describeOperation, listOperations } from "../operations.ts";

export interface ErrorResponsesOptions {
  /** Status codes (or ranges like `4XX`), one of which every operation must document. */
  readonly anyOf: readonly string[];
}

/** OWASP API8:2023 define-error-validation / define-error-responses-401 for operations under `paths`. */
export const errorResponses: RulesetFunction<unknown, ErrorResponsesOptions> = (doc, options) => {
  const results: IFunctionResult[] = [];
  for (const site of listOperations(doc)) {
    if (site.callback) continue;
    const responses = isObject(site.operation.responses) ? site.operation.responses : {};
    if (!options.anyOf.some((status) => status in responses)) {
      results.push({
        message: `${describeOperation(site)} documents no ${options.anyOf.join(" or ")} response`,
        path: [...site.location, "responses"],
      });
    }
  }
  return results;
};
