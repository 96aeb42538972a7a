import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const MANIFEST_FILE = "manifest.json";

/** Provenance and checksums of one vendored CAMARA release (api-definitions/camara/<release>/manifest.json). */
export interface ReleaseManifest {
  release: string;
  source: { repository: string; tag: string; commit: string };
  license: string;
  /** Release-relative path → sha256 (hex) of the file's bytes, sorted by path. */
  files: Record<string, string>;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** sha256 of every file under `releaseDir` except the manifest itself, keyed by relative path. */
export function checksumFiles(releaseDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const paths = walk(releaseDir)
    .map((f) => relative(releaseDir, f).split(sep).join("/"))
    .filter((p) => p !== MANIFEST_FILE)
    .sort();
  for (const path of paths) {
    out[path] = createHash("sha256")
      .update(readFileSync(join(releaseDir, path)))
      .digest("hex");
  }
  return out;
}

export function readReleaseManifest(releaseDir: string): ReleaseManifest {
  return JSON.parse(readFileSync(join(releaseDir, MANIFEST_FILE), "utf8")) as ReleaseManifest;
}

/** Differences between the recorded checksums and the files on disk, as readable sentences. */
export function verifyRelease(releaseDir: string): string[] {
  const manifest = readReleaseManifest(releaseDir);
  const actual = checksumFiles(releaseDir);
  const problems: string[] = [];
  for (const [path, sum] of Object.entries(manifest.files)) {
    if (!(path in actual)) problems.push(`${path} is listed in the manifest but missing`);
    else if (actual[path] !== sum)
      problems.push(`${path} has been modified (sha256 ${actual[path]}, expected ${sum})`);
  }
  for (const path of Object.keys(actual)) {
    if (!(path in manifest.files)) problems.push(`${path} is not listed in the manifest`);
  }
  return problems;
}
