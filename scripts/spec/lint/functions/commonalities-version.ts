import type { IFunctionResult, RulesetFunction } from "@stoplight/spectral-core";
import { isObject } from "../doc-path.ts";

export interface CommonalitiesVersionOptions {
  /** The versions accepted, as a regular expression source (e.g. `^0\.8\.\d+(-rc\.\d+)?$`). */
  readonly pattern: string;
  /** The Commonalities releases those versions are, for the message (e.g. `r4.2`). */
  readonly releases: string;
}

const FULL = /^\d+\.\d+\.\d+(?:-(?:alpha|rc)\.\d+)?$/;

/**
 * CAMARA API Design Guide (Commonalities r4.x) §5.3.7: "The API SHALL specify the Commonalities
 * release version they are compliant to, by including the x-camara-commonalities extension field.
 * The value is the full version string of the Commonalities release ... (e.g. 0.7.0 ... or
 * 0.7.0-rc.1 for a pre-release)."
 */
export const commonalitiesVersion: RulesetFunction<unknown, CommonalitiesVersionOptions> = (doc, options) => {
  const results: IFunctionResult[] = [];
  if (!isObject(doc) || !isObject(doc.info)) return results;
  if (!("x-camara-commonalities" in doc.info)) {
    return [{ message: "info has no x-camara-commonalities", path: ["info"] }];
  }
  const value = doc.info["x-camara-commonalities"];
  const path = ["info", "x-camara-commonalities"];
  if (typeof value !== "string" || !FULL.test(value)) {
    results.push({
      message: `x-camara-commonalities ${JSON.stringify(value)} is not a full version string (x.y.z or x.y.z-rc.n)`,
      path,
    });
  } else if (!new RegExp(options.pattern).test(value)) {
    results.push({
      message: `x-camara-commonalities ${value} is not a version of Commonalities ${options.releases}`,
      path,
    });
  }
  return results;
};
