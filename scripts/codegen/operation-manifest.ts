import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * Shape of the operation manifests written to generated/<release>/<api>/operations.ts: the
 * declaration the runtime reads them with (camara-webrtc-runtime's manifest-types.ts), emitted into
 * generated/manifest-types.ts so that generated code depends on nothing else, and the two cannot drift.
 */
export const manifestTypesSource = readFileSync(
  createRequire(import.meta.url).resolve("camara-webrtc-runtime/manifest-types.ts"),
  "utf8",
);
