import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject, resolve } from "../doc-path.ts";
import { listParameters } from "../parameters.ts";

export interface ParameterCheckOptions {
  /** Parameter locations the rule looks at (`path`, `query`, `header`, `cookie`). */
  readonly in: readonly string[];
  /** A regular expression (case-insensitive) the parameter name must not match. */
  readonly nameNotMatch?: string;
  /** A schema `type` the parameter must not have. */
  readonly typeNot?: string;
  /** What a match means, for the message. */
  readonly reason: string;
}

/** Name and type checks on parameters (sensitive data, credentials, numeric ids, URLs). */
export const parameterCheck: RulesetFunction<unknown, ParameterCheckOptions> = (doc, options) => {
  const results: IFunctionResult[] = [];
  const name = options.nameNotMatch ? new RegExp(options.nameNotMatch, "i") : null;
  for (const { parameter, path } of listParameters(doc)) {
    if (!options.in.includes(String(parameter.in)) || typeof parameter.name !== "string") continue;
    if (name?.test(parameter.name)) {
      results.push({
        message: `${parameter.in} parameter "${parameter.name}": ${options.reason}`,
        path: [...path, "name"],
      });
    }
    if (options.typeNot) {
      const schema = resolve(doc, parameter.schema, [...path, "schema"]);
      if (isObject(schema.value) && schema.value.type === options.typeNot) {
        results.push({
          message: `${parameter.in} parameter "${parameter.name}" is of type ${options.typeNot}: ${options.reason}`,
          path: [...path, "schema"],
        });
      }
    }
  }
  return results;
};
