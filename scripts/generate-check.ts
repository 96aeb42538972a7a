#!/usr/bin/env -S node --import tsx
/**
 * `npm run generate:check`: regenerates into a temporary folder and fails with a readable diff when
 * the committed generated/ differs from a fresh generation.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateAll } from "./codegen/generate-all.ts";
import { writeFiles } from "./codegen/write-files.ts";
import { fromRoot } from "./lib/paths.ts";

const started = performance.now();
const tmp = mkdtempSync(join(tmpdir(), "generate-check-"));
try {
  const { files } = await generateAll(fromRoot("api-definitions"));
  writeFiles(tmp, files);
  const ms = Math.round(performance.now() - started);
  const diff = spawnSync(
    "git",
    [
      "diff",
      "--no-index",
      "--no-color",
      "--src-prefix=generated/",
      "--dst-prefix=fresh/",
      fromRoot("generated"),
      tmp,
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (diff.status === 0) {
    console.log(`generated/ is up to date (fresh generation took ${ms} ms)`);
  } else {
    const text = diff.stdout.split(fromRoot("generated")).join("").split(tmp).join("");
    const lines = text.split("\n");
    console.error(lines.slice(0, 200).join("\n"));
    if (lines.length > 200) console.error(`... ${lines.length - 200} more diff lines`);
    console.error("\ngenerated/ is stale: run `npm run generate` and commit the result.");
    process.exitCode = 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
