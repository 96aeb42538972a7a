#!/usr/bin/env -S node --import tsx
/** `npm run spec:verify`: checks every vendored release against the sha256 sums of its manifest. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fromRoot } from "./lib/paths.ts";
import { verifyRelease } from "./spec/release-manifest.ts";

const camara = fromRoot("api-definitions", "camara");
let failed = false;
for (const release of readdirSync(camara).sort()) {
  const problems = verifyRelease(join(camara, release));
  if (problems.length === 0) console.log(`${release}: every vendored file matches its sha256`);
  for (const p of problems) console.error(`${release}: ${p}`);
  failed ||= problems.length > 0;
}
if (failed) {
  console.error(
    "Vendored upstream files must stay byte-identical; put changes in api-definitions/overlays/.",
  );
  process.exitCode = 1;
}
