import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { oas } from "@stoplight/spectral-rulesets";
import { parse } from "yaml";
import { isObject } from "./doc-path.ts";
import { DEFAULT_RULESET } from "./load-ruleset.ts";

/** Rules that are not Spectral rules: the feature cross-checks, and input notices. */
export const FEATURE_RULES: Record<string, string> = {
  "camara-feature-api":
    "A feature file name starts with the name of a linted API (<api>-<operationId>.feature).",
  "camara-feature-operation-id":
    "The operationId a feature names exists and matches its resource and method.",
  "camara-feature-base-path": "The resource path of a feature starts with the server base path.",
  "camara-feature-path": "Every path a feature requests is a path of the API, with that method.",
  "camara-feature-schema-pointer": "Every schema pointer a feature names exists in the spec.",
  "camara-feature-status": "Every status code a scenario expects is documented for the operation.",
  "camara-feature-error-coverage": "Every documented error status of a tested operation has a scenario.",
  "camara-feature-operation-coverage": "Every operation of an API with features is tested by a feature.",
  "camara-feature-placeholder": "Identifiers in steps are real, not placeholders like existing-session-id.",
  "camara-effective-stale": "generated/<release>/<api>/openapi.json is current with the overlays.",
};

/** Rule id → description, for SARIF and the report: ruleset rules, the OAS rules it enables, feature rules. */
export function ruleDescriptions(rulesetFile = DEFAULT_RULESET): Map<string, string> {
  const out = new Map<string, string>(Object.entries(FEATURE_RULES));
  const raw = parse(readFileSync(rulesetFile, "utf8")) as {
    extends?: unknown;
    rules?: Record<string, unknown>;
  };
  for (const base of [raw.extends].flat(2)) {
    if (typeof base === "string" && /\.ya?ml$/.test(base)) {
      for (const [id, text] of ruleDescriptions(resolve(dirname(rulesetFile), base))) out.set(id, text);
    }
  }
  const oasRules = oas.rules as Record<string, { description?: string }>;
  for (const [id, rule] of Object.entries(raw.rules ?? {})) {
    const own = isObject(rule) && typeof rule.description === "string" ? rule.description : undefined;
    out.set(id, (own ?? oasRules[id]?.description ?? id).trim());
  }
  return out;
}
