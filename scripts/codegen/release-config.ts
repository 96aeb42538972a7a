import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One API of a release, as listed in `api-definitions/apis.json`. */
export interface ApiEntry {
  /** API name, e.g. `webrtc-registration`; also the folder name under generated/. */
  readonly name: string;
  /** Path of the OpenAPI YAML inside the release folder. */
  readonly file: string;
}

/** The contents of `api-definitions/apis.json`. */
export interface ReleaseConfig {
  readonly activeRelease: string;
  readonly apis: readonly ApiEntry[];
}

/** Where the inputs of one API live, relative to the definitions folder. */
export interface ApiSource {
  readonly name: string;
  readonly release: string;
  /** Relative to the definitions folder, with forward slashes (it appears in banners). */
  readonly specPath: string;
  /** Overlay files applied in order, relative to the definitions folder. */
  readonly overlayPaths: readonly string[];
}

export function readReleaseConfig(definitionsDir: string): ReleaseConfig {
  const file = join(definitionsDir, "apis.json");
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<ReleaseConfig>;
  if (typeof parsed.activeRelease !== "string" || !Array.isArray(parsed.apis)) {
    throw new Error(`${file} must hold {"activeRelease": string, "apis": [{"name", "file"}]}`);
  }
  return { activeRelease: parsed.activeRelease, apis: parsed.apis };
}

/**
 * Lists the sources of every API of `release` (the active one by default): the vendored YAML and the
 * overlays under `overlays/<release>/<api>.overlay.yaml` when that file exists.
 */
export function apiSources(definitionsDir: string, release?: string): ApiSource[] {
  const config = readReleaseConfig(definitionsDir);
  const rel = release ?? config.activeRelease;
  return config.apis.map((api) => {
    const specPath = `camara/${rel}/${api.file}`;
    if (!existsSync(join(definitionsDir, specPath))) {
      throw new Error(`API ${api.name}: ${specPath} does not exist under ${definitionsDir}`);
    }
    const overlay = `overlays/${rel}/${api.name}.overlay.yaml`;
    const overlayPaths = existsSync(join(definitionsDir, overlay)) ? [overlay] : [];
    return { name: api.name, release: rel, specPath, overlayPaths };
  });
}
