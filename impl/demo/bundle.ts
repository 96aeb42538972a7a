import { build } from "esbuild";

/**
 * Bundles a browser entry module (TypeScript) into one ES2020 script for Chromium, in memory. Used
 * when the gateway mounts /demo and by the e2e tests' device pages; nothing is fetched from a CDN.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    sourcemap: "inline",
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
