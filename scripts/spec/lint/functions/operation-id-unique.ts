import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { describeOperation, listOperations, type OperationSite } from "../operations.ts";

/**
 * OpenAPI 3.0 §4.7.10: "The id MUST be unique among all operations described in the API." Callback
 * operations are operations too (Spectral's operation-operationId-unique looks at `paths` only);
 * code generators and validators key operations by this id.
 */
export const operationIdUnique: RulesetFunction<unknown, unknown> = (doc) => {
  const results: IFunctionResult[] = [];
  const first = new Map<string, OperationSite>();
  for (const site of listOperations(doc)) {
    const id = site.operation.operationId;
    if (typeof id !== "string") continue;
    const earlier = first.get(id);
    if (!earlier) {
      first.set(id, site);
      continue;
    }
    results.push({
      message:
        `operationId "${id}" of ${describeOperation(site)} is already used by ${describeOperation(earlier)}; ` +
        `OpenAPI 3.0 §4.7.10: "The id MUST be unique among all operations described in the API."`,
      path: [...site.location, "operationId"],
    });
  }
  return results;
};
