import { readFileSync } from "node:fs";
import type { ApiManifest } from "../generated/r2.2/index.ts";
import { apis, effectiveSpecFiles } from "../generated/r2.2/index.ts";

/** The generated contract the gateway serves: manifests and effective specs of every API. */
export interface Contract {
  readonly apis: readonly ApiManifest[];
  readonly specs: Record<string, object>;
}

export function loadContract(): Contract {
  const specs: Record<string, object> = {};
  for (const [name, file] of Object.entries(effectiveSpecFiles)) {
    specs[name] = JSON.parse(
      readFileSync(new URL(`../generated/${file}`, import.meta.url), "utf8"),
    ) as object;
  }
  return { apis, specs };
}
