import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { RulesetDefinition } from "@stoplight/spectral-core";
import * as coreFunctions from "@stoplight/spectral-functions";
import { oas } from "@stoplight/spectral-rulesets";
import { parse } from "yaml";
import { fromRoot } from "../../lib/paths.ts";
import { isObject } from "./doc-path.ts";
import { customFunctions } from "./functions/index.ts";

/** The project's ruleset file (Commonalities up to r3.x). */
export const DEFAULT_RULESET = fromRoot("scripts", "spec", "camara-ruleset.yaml");

/** The rules Commonalities r4.x adds (extends DEFAULT_RULESET). */
export const R4_RULESET = fromRoot("scripts", "spec", "camara-ruleset-r4.yaml");

const EXTENDABLE: Record<string, unknown> = { "spectral:oas": oas };

function lookupFunction(name: unknown, rule: string, file: string): unknown {
  const fn =
    typeof name === "string"
      ? (customFunctions[name] ?? (coreFunctions as unknown as Record<string, unknown>)[name])
      : undefined;
  if (typeof fn !== "function")
    throw new Error(`${file}: rule ${rule} uses unknown function ${String(name)}`);
  return fn;
}

/**
 * Reads a Spectral ruleset written in YAML and turns it into a definition Spectral accepts in
 * process: `extends: spectral:oas` becomes the bundled OAS ruleset, and every `function:` name
 * becomes the Spectral core function or project function of that name. A rule without `message`
 * reports what its function found (`{{error}}`).
 */
export function loadRuleset(file = DEFAULT_RULESET): RulesetDefinition {
  const raw = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const extendsList = Array.isArray(raw.extends) ? raw.extends : raw.extends ? [raw.extends] : [];
  const mappedExtends = extendsList.map((entry) => {
    const [name, mode] = Array.isArray(entry) ? entry : [entry];
    const ruleset = /\.ya?ml$/.test(String(name))
      ? loadRuleset(resolve(dirname(file), String(name)))
      : EXTENDABLE[String(name)];
    if (!ruleset) {
      throw new Error(
        `${file}: cannot extend ${String(name)} (only ${Object.keys(EXTENDABLE)} or a .yaml file)`,
      );
    }
    return mode === undefined ? ruleset : [ruleset, mode];
  });
  const rules: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(isObject(raw.rules) ? raw.rules : {})) {
    if (!isObject(rule)) {
      rules[name] = rule;
      continue;
    }
    const thens = Array.isArray(rule.then) ? rule.then : [rule.then];
    const mapped = thens.map((then) =>
      isObject(then) ? { ...then, function: lookupFunction(then.function, name, file) } : then,
    );
    // Without a message Spectral prints the rule's description; the function's own text says more.
    // biome-ignore lint/suspicious/noThenProperty: `then` is the Spectral rule field, not a thenable.
    rules[name] = { message: "{{error}}", ...rule, then: Array.isArray(rule.then) ? mapped : mapped[0] };
  }
  return { extends: mappedExtends, rules } as unknown as RulesetDefinition;
}
