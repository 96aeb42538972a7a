import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { parse } from "yaml";

function collectRefs(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, out);
  } else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.add(value);
      else collectRefs(value, out);
    }
  }
}

/**
 * Every file that the relative `$ref`s of `files` reach, transitively (`../common/CAMARA_common.yaml`
 * from API_definitions/x.yaml, and what that file refers to in turn), as paths relative to `root`
 * with forward slashes, sorted. Internal refs (`#/...`) and URLs are not files to copy. A ref that
 * leaves `root` or names a missing file is an error: the vendored release would not bundle.
 */
export function referencedFiles(root: string, files: readonly string[]): string[] {
  const seen = new Set<string>(files.map((f) => resolve(f)));
  const queue = [...seen];
  const found = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (!/\.(ya?ml|json)$/i.test(file)) continue;
    const refs = new Set<string>();
    collectRefs(parse(readFileSync(file, "utf8")), refs);
    for (const ref of refs) {
      const target = ref.split("#")[0] ?? "";
      if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const path = resolve(dirname(file), decodeURI(target));
      const rel = relative(resolve(root), path);
      if (rel.startsWith("..") || isAbsolute(rel)) {
        throw new Error(`${file}: $ref ${ref} leaves the release folder ${root}`);
      }
      if (!existsSync(path)) throw new Error(`${file}: $ref ${ref} names a file that does not exist`);
      found.add(rel.split(sep).join("/"));
      if (!seen.has(path)) {
        seen.add(path);
        queue.push(path);
      }
    }
  }
  return [...found].sort();
}
