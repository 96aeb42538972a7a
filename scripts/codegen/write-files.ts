import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { GeneratedFiles } from "./generate-all.ts";

function listFiles(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Writes `files` under `outDir` and deletes any other file there, so stale output cannot linger. */
export function writeFiles(outDir: string, files: GeneratedFiles): void {
  const wanted = new Set(files.keys());
  for (const file of listFiles(outDir)) {
    const rel = relative(outDir, file).split(sep).join("/");
    if (!wanted.has(rel)) rmSync(file);
  }
  for (const [rel, contents] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = join(outDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents);
  }
}
