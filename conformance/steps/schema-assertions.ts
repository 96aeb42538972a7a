import type { SchemaProblem } from "../schema/ajv-openapi.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check } from "./check.ts";

/** One readable message for a schema check that failed. */
export function describeProblems(where: string, problems: readonly SchemaProblem[]): string {
  return `does not comply with ${where}: ${problems
    .slice(0, 8)
    .map((p) => `${p.at} ${p.message}`)
    .join("; ")}`;
}

/**
 * The response schema the spec documents for the last request's operation and status code
 * (OpenAPI 3.0 §4.7.16: an exact code, then the `NXX` range, then `default`); `schema` is undefined
 * when that response has no body. Fails when the request matched no operation or the status is
 * undocumented.
 */
export function responseSchema(world: ConformanceWorld): { schema: object | undefined; where: string } {
  const { operation, response } = world.sent();
  check(operation, "the request matched no operation of the specs, so it has no documented responses");
  const status = String(response.status);
  const documented =
    operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
  const where = `the ${status} response of ${operation.operationId}`;
  check(
    documented,
    `${status} is not a documented status of ${operation.operationId} (documented: ${Object.keys(operation.responses).join(", ")})`,
  );
  const media = Object.keys(documented.content).find((m) => m === "application/json" || m.endsWith("+json"));
  return { schema: media ? (documented.content[media] as object) : undefined, where };
}
