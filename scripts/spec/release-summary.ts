import type { GenerateResult } from "../codegen/generate-all.ts";
import { diffApi } from "./manifest-diff.ts";

/** A readable per-API change summary between two generations. */
export function releaseSummary(old: GenerateResult, next: GenerateResult): string {
  const names = [...new Set([...old.manifests, ...next.manifests].map((m) => m.name))];
  const blocks: string[] = [];
  for (const name of names) {
    const version = (r: GenerateResult) => {
      const manifest = r.manifests.find((m) => m.name === name);
      const spec = manifest ? r.specs.get(`${manifest.release}/${name}`) : undefined;
      return manifest && spec ? { manifest, spec } : undefined;
    };
    const lines = diffApi(version(old), version(next));
    blocks.push(
      [name, ...(lines.length > 0 ? lines : ["  no change"]).map((l) => `  ${l.trimStart()}`)].join("\n"),
    );
  }
  return `${blocks.join("\n")}\n`;
}
