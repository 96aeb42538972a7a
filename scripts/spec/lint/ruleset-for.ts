import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { apiSources } from "../../codegen/release-config.ts";
import { isObject } from "./doc-path.ts";
import { DEFAULT_RULESET, R4_RULESET } from "./load-ruleset.ts";

/**
 * The ruleset a release is judged by: the Commonalities r4.x rules (camara-ruleset-r4.yaml) when
 * its specs declare `x-camara-commonalities` 0.7 or later (the r4.x version strings), else the
 * base ruleset. r2.2 declares 0.6; r3.1-rc.1 declares 0.8.0-rc.2.
 */
export function rulesetFor(release: string, definitionsDir: string): string {
  const declared = apiSources(definitionsDir, release).map((s) => {
    const doc = parse(readFileSync(join(definitionsDir, s.specPath), "utf8")) as unknown;
    const info = isObject(doc) && isObject(doc.info) ? doc.info : {};
    return String(info["x-camara-commonalities"] ?? "");
  });
  const r4 = declared.some((v) => {
    const [major, minor] = v.split(".").map(Number);
    return major === 0 && (minor ?? 0) >= 7;
  });
  return r4 ? R4_RULESET : DEFAULT_RULESET;
}
