import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import ts from "typescript";

export interface ImportClosure {
  /** Files reached, relative to `root`, with forward slashes, sorted. */
  readonly files: readonly string[];
  /** npm packages those files import (`@scope/name`, `name`), sorted. */
  readonly packages: readonly string[];
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

/**
 * Every file the `entries` reach through relative imports (type-only ones too: a package shipped as
 * TypeScript is type-checked by its users), and the packages they import. Test files are not
 * followed into: nothing shipped imports them.
 */
export function importClosure(root: string, entries: readonly string[]): ImportClosure {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.map((e) => resolve(root, e));
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (seen.has(file)) continue;
    if (!existsSync(file)) throw new Error(`${relative(root, file)} is imported but does not exist`);
    seen.add(file);
    // TypeScript's own scanner: imports, re-exports and import() calls, not strings that look alike.
    const text = readFileSync(file, "utf8");
    const { importedFiles } = ts.preProcessFile(text, true, true);
    // preProcessFile (TypeScript 5.9) misses `export type * as X from "…"` (TypeScript 5.0 syntax).
    const typeStars = [...text.matchAll(/^export (?:type )?\* as \w+ from "([^"]+)";$/gm)].map((m) => ({
      fileName: m[1] as string,
    }));
    for (const { fileName } of [...importedFiles, ...typeStars]) {
      if (fileName.startsWith("./") || fileName.startsWith("../"))
        pending.push(resolve(dirname(file), fileName));
      else if (!fileName.startsWith("node:")) packages.add(packageName(fileName));
    }
  }
  return {
    files: [...seen].map((f) => relative(root, f).split(sep).join("/")).sort(),
    packages: [...packages].sort(),
  };
}
