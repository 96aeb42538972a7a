import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { bannerLines } from "../../codegen/banner.ts";
import { bundleEffectiveSpec } from "../../codegen/effective-spec.ts";
import { apiSources, releaseNames } from "../../codegen/release-config.ts";
import { fromRoot } from "../../lib/paths.ts";
import type { Finding } from "./finding.ts";
import { displayPath } from "./run-spectral.ts";

/** A file to lint, read into memory. */
export interface LintFile {
  /** Absolute path (Spectral resolves relative `$ref`s against it). */
  readonly source: string;
  /** How findings name it. */
  readonly display: string;
  readonly text: string;
  /** For specs: the API name (`webrtc-events`), which feature file names start with. */
  readonly api?: string;
}

export interface LintInputs {
  readonly specs: LintFile[];
  readonly features: LintFile[];
  /** Notes about the inputs themselves (e.g. a stale generated spec). */
  readonly notices: Finding[];
}

export const DEFINITIONS_DIR = fromRoot("api-definitions");

/**
 * The vendored files of `release` (default: the first release of apis.json, the one the gateway
 * serves): API_definitions/*.yaml and Test_definitions/*.feature.
 */
export function defaultFiles(definitionsDir = DEFINITIONS_DIR, release?: string): string[] {
  const base = join(definitionsDir, "camara", release ?? releaseNames(definitionsDir)[0] ?? "");
  const list = (dir: string, ext: RegExp) =>
    existsSync(join(base, dir))
      ? readdirSync(join(base, dir))
          .filter((f) => ext.test(f))
          .sort()
          .map((f) => join(base, dir, f))
      : [];
  return [...list("API_definitions", /\.ya?ml$/), ...list("Test_definitions", /\.feature$/)];
}

function readFile(file: string): LintFile {
  const source = resolve(file);
  const text = readFileSync(source, "utf8");
  return { source, display: displayPath(source), text, api: basename(source, extname(source)) };
}

/** Sorts files into specs (.yaml, .yml, .json) and features (.feature). */
export function readInputs(files: readonly string[]): LintInputs {
  const specs: LintFile[] = [];
  const features: LintFile[] = [];
  for (const file of files) {
    if (file.endsWith(".feature")) features.push(readFile(file));
    else if (/\.(ya?ml|json)$/.test(file)) specs.push(readFile(file));
    else throw new Error(`${file}: not a spec (.yaml, .yml, .json) or feature (.feature) file`);
  }
  return { specs, features, notices: [] };
}

/**
 * The effective specs (overlays applied, as `npm run generate` writes them) of the vendored APIs
 * among `files` (all APIs of `release`, by default the first of apis.json, when `files` names no
 * spec), plus the features among `files`. Each is rendered exactly like
 * generated/<release>/<api>/openapi.json and named after it, so line numbers point into that file
 * when it is current; a notice says when it is not.
 */
export async function readEffectiveInputs(
  files: readonly string[],
  definitionsDir = DEFINITIONS_DIR,
  release?: string,
): Promise<LintInputs> {
  const raw = readInputs(files);
  const sources = apiSources(definitionsDir);
  const wanted = raw.specs.map((s) => s.source);
  const first = release ?? releaseNames(definitionsDir)[0];
  const chosen =
    wanted.length === 0
      ? sources.filter((s) => s.release === first)
      : sources.filter((s) => wanted.includes(resolve(definitionsDir, s.specPath)));
  const unknown = wanted.filter((w) => !sources.some((s) => resolve(definitionsDir, s.specPath) === w));
  if (unknown.length > 0) {
    throw new Error(
      `--effective applies to the vendored APIs of the releases in apis.json only, not ${unknown.join(", ")}`,
    );
  }
  const specs: LintFile[] = [];
  const notices: Finding[] = [];
  for (const source of chosen) {
    const { document: spec, dependencies } = await bundleEffectiveSpec(definitionsDir, source);
    const text = `${JSON.stringify({ "x-generated": bannerLines(source, dependencies), ...spec }, null, 2)}\n`;
    const file = fromRoot("generated", source.release, source.name, "openapi.json");
    const display = displayPath(file);
    specs.push({ source: file, display, text, api: source.name });
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) {
      notices.push({
        file: display,
        line: 1,
        column: 1,
        rule: "camara-effective-stale",
        severity: "info",
        message: `${display} is not current; line numbers refer to the effective spec built now (run npm run generate)`,
      });
    }
  }
  return { specs, features: raw.features, notices };
}
