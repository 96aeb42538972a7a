import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { referencedFiles } from "./relative-refs.ts";
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

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? yamlFiles(join(dir, e.name))
      : /\.(ya?ml|json)$/i.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * Copies a release, byte for byte, into api-definitions/camara/<release>/ and writes its manifest:
 * API_definitions/, Test_definitions/, common/ (the Commonalities files CAMARA repositories keep in
 * code/common/ since r3.1) and the licence, keeping their layout relative to each other so that
 * relative `$ref`s (`../common/CAMARA_common.yaml#/...`) resolve in the copy as upstream. Every file
 * such a ref reaches is copied too; a ref leaving the release folder or naming a missing file
 * stops vendoring. Refuses to overwrite an existing release.
 */
export function vendorRelease(opts: VendorOptions): ReleaseManifest {
  const target = join(opts.definitionsDir, "camara", opts.release);
  if (existsSync(target))
    throw new Error(`${target} already exists; vendored releases are never overwritten`);
  const apiDir = locate(opts.from, "API_definitions");
  if (!apiDir) throw new Error(`${opts.from} holds no API_definitions folder (looked in . and code/)`);
  const codeRoot = dirname(apiDir);
  const folders = ["API_definitions", "Test_definitions", "common"].filter((f) =>
    existsSync(join(codeRoot, f)),
  );
  const refs = referencedFiles(
    codeRoot,
    folders.filter((f) => f !== "Test_definitions").flatMap((f) => yamlFiles(join(codeRoot, f))),
  );
  mkdirSync(target, { recursive: true });
  for (const folder of folders) cpSync(join(codeRoot, folder), join(target, folder), { recursive: true });
  for (const ref of refs) {
    if (existsSync(join(target, ref))) continue;
    mkdirSync(dirname(join(target, ref)), { recursive: true });
    cpSync(join(codeRoot, ref), join(target, ref));
  }
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
