import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checksumFiles, MANIFEST_FILE, type ReleaseManifest } from "./release-manifest.ts";

export interface VendorOptions {
  /** A CAMARA release checkout: holds API_definitions/ (directly or under code/). */
  from: string;
  release: string;
  definitionsDir: string;
  repository: string;
  tag: string;
  commit: string;
}

/** Finds `name` directly under `from` or under `from/code` (the layout of CAMARA repositories). */
function locate(from: string, name: string): string | null {
  for (const candidate of [join(from, name), join(from, "code", name)]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Copies the API definitions, the Test_definitions and the licence of a release, byte for byte, into
 * api-definitions/camara/<release>/ and writes its manifest. Refuses to overwrite an existing release.
 */
export function vendorRelease(opts: VendorOptions): ReleaseManifest {
  const target = join(opts.definitionsDir, "camara", opts.release);
  if (existsSync(target))
    throw new Error(`${target} already exists; vendored releases are never overwritten`);
  const apiDir = locate(opts.from, "API_definitions");
  if (!apiDir) throw new Error(`${opts.from} holds no API_definitions folder (looked in . and code/)`);
  mkdirSync(target, { recursive: true });
  cpSync(apiDir, join(target, "API_definitions"), { recursive: true });
  const testDir = locate(opts.from, "Test_definitions");
  if (testDir) cpSync(testDir, join(target, "Test_definitions"), { recursive: true });
  const license = readdirSync(opts.from).find((f) => /^LICEN[CS]E/i.test(f));
  if (license) cpSync(join(opts.from, license), join(target, license));
  const manifest: ReleaseManifest = {
    release: opts.release,
    source: { repository: opts.repository, tag: opts.tag, commit: opts.commit },
    license: license ? "Apache-2.0 (see LICENSE)" : "unknown: no licence file in the source",
    files: checksumFiles(target),
  };
  writeFileSync(join(target, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
