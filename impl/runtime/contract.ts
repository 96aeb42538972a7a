import { readFileSync } from "node:fs";
import type { ApiManifest } from "./manifest-types.ts";

/** What a generated release index (`generated/<release>/index.ts`) exports that the runtime reads. */
export interface GeneratedRelease {
  readonly apis: readonly ApiManifest[];
  /** API name → path of its effective spec, relative to the generated/ folder. */
  readonly effectiveSpecFiles: Readonly<Record<string, string>>;
}

/** The contract an app serves: the manifests of its APIs and their effective specs, by API name. */
export interface Contract {
  readonly apis: readonly ApiManifest[];
  readonly specs: Readonly<Record<string, object>>;
}

/**
 * Reads the effective specs a generated release names. `generatedDir` is the generated/ folder
 * (a `file:` URL ending in `/`, e.g. `new URL("../generated/", import.meta.url)`).
 */
export function loadContract(generatedDir: URL, release: GeneratedRelease): Contract {
  const specs: Record<string, object> = {};
  for (const [name, file] of Object.entries(release.effectiveSpecFiles)) {
    specs[name] = JSON.parse(readFileSync(new URL(file, generatedDir), "utf8")) as object;
  }
  return { apis: release.apis, specs };
}
