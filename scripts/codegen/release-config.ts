import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

/** One API of a release, as listed in `api-definitions/apis.json`. */
export interface ApiEntry {
  /** API name, e.g. `webrtc-registration`; also the folder name under generated/<release>/. */
  readonly name: string;
  /** Path of the OpenAPI YAML inside the release folder. */
  readonly file: string;
}

/** One release of `api-definitions/apis.json`: a folder under camara/ and its APIs. */
export interface ReleaseEntry {
  /** Release name, e.g. `r2.2`: the folder under camara/, overlays/ and generated/. */
  readonly release: string;
  readonly apis: readonly ApiEntry[];
}

/** The contents of `api-definitions/apis.json`: the releases generated side by side, oldest first. */
export interface ReleaseConfig {
  readonly releases: readonly ReleaseEntry[];
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

const SHAPE = '{"releases": [{"release": string, "apis": [{"name": string, "file": string}]}]}';

export function readReleaseConfig(definitionsDir: string): ReleaseConfig {
  const file = join(definitionsDir, "apis.json");
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<ReleaseConfig>;
  const valid =
    Array.isArray(parsed.releases) &&
    parsed.releases.length > 0 &&
    parsed.releases.every((r) => typeof r?.release === "string" && Array.isArray(r.apis));
  if (!valid) throw new Error(`${file} must hold ${SHAPE}`);
  const names = parsed.releases.map((r) => r.release);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`${file} lists release ${twice} twice`);
  return { releases: parsed.releases };
}

/** The release names of apis.json, in its order. */
export function releaseNames(definitionsDir: string): string[] {
  return readReleaseConfig(definitionsDir).releases.map((r) => r.release);
}

/**
 * The APIs of a vendored release as apis.json lists them: one per YAML of its API_definitions/,
 * named after the file (CAMARA names each API definition `<api>.yaml`).
 */
export function discoverApis(releaseDir: string): ApiEntry[] {
  const dir = join(releaseDir, "API_definitions");
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ name: basename(f).replace(/\.ya?ml$/, ""), file: `API_definitions/${f}` }));
}

/**
 * Lists the sources of every API of `release`, or of every release in apis.json order: the vendored
 * YAML and the overlays under `overlays/<release>/<api>.overlay.yaml` when that file exists.
 */
export function apiSources(
  definitionsDir: string,
  release?: string,
  config: ReleaseConfig = readReleaseConfig(definitionsDir),
): ApiSource[] {
  const chosen = release ? config.releases.filter((r) => r.release === release) : config.releases;
  if (chosen.length === 0) {
    throw new Error(`release ${release} is not listed in ${join(definitionsDir, "apis.json")}`);
  }
  return chosen.flatMap(({ release: rel, apis }) =>
    apis.map((api) => {
      const specPath = `camara/${rel}/${api.file}`;
      if (!existsSync(join(definitionsDir, specPath))) {
        throw new Error(`API ${api.name}: ${specPath} does not exist under ${definitionsDir}`);
      }
      const overlay = `overlays/${rel}/${api.name}.overlay.yaml`;
      const overlayPaths = existsSync(join(definitionsDir, overlay)) ? [overlay] : [];
      return { name: api.name, release: rel, specPath, overlayPaths };
    }),
  );
}
