import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (the folder holding package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Resolves a repository-relative path to an absolute one. */
export function fromRoot(...segments: string[]): string {
  return resolve(repoRoot, ...segments);
}
