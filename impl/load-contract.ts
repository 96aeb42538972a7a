import { readFileSync } from "node:fs";
import type { ApiManifest } from "../generated/index.ts";
import * as r2_2 from "../generated/r2.2/index.ts";
import * as r3_1_rc_1 from "../generated/r3.1-rc.1/index.ts";

/** One CAMARA release the gateway serves: its manifests and the effective spec of each API. */
export interface ReleaseContract {
  readonly release: string;
  readonly apis: readonly ApiManifest[];
  /** Effective spec of each API of this release, by API name. */
  readonly specs: Record<string, object>;
}

/** The generated contracts the gateway serves, one per release (api-definitions/apis.json). */
export interface Contract {
  readonly releases: readonly ReleaseContract[];
}

function loadRelease(generated: {
  release: string;
  apis: readonly ApiManifest[];
  effectiveSpecFiles: Record<string, string>;
}): ReleaseContract {
  const specs: Record<string, object> = {};
  for (const [name, file] of Object.entries(generated.effectiveSpecFiles)) {
    specs[name] = JSON.parse(
      readFileSync(new URL(`../generated/${file}`, import.meta.url), "utf8"),
    ) as object;
  }
  return { release: generated.release, apis: generated.apis, specs };
}

/** r2.2 and r3.1-rc.1, side by side: their base paths differ, so no route is shared. */
export function loadContract(): Contract {
  return { releases: [loadRelease(r2_2), loadRelease(r3_1_rc_1)] };
}

/** One release's contract, by name (tests and tools). */
export function releaseContract(contract: Contract, release: string): ReleaseContract {
  const found = contract.releases.find((r) => r.release === release);
  if (!found) throw new Error(`The gateway does not serve release ${release}`);
  return found;
}
