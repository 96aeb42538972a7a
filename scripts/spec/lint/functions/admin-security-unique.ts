import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject } from "../doc-path.ts";
import { describeOperation, listOperations } from "../operations.ts";

/**
 * OWASP API5:2023 admin-security-unique: operations under an `/admin` path must not share their
 * security requirement with non-admin operations (privilege escalation).
 */
export const adminSecurityUnique: RulesetFunction<unknown, unknown> = (doc) => {
  const results: IFunctionResult[] = [];
  if (!isObject(doc)) return results;
  const ops = listOperations(doc).filter((s) => !s.callback);
  const requirement = (op: (typeof ops)[number]) =>
    JSON.stringify(op.operation.security ?? doc.security ?? []);
  const isAdmin = (path: string) => /(^|\/)admin(\/|$)/i.test(path);
  const ordinary = new Set(ops.filter((s) => !isAdmin(s.path)).map(requirement));
  for (const site of ops) {
    if (isAdmin(site.path) && ordinary.has(requirement(site))) {
      results.push({
        message: `${describeOperation(site)} has the same security requirement as a non-admin operation`,
        path: [...site.location],
      });
    }
  }
  return results;
};
