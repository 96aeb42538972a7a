#!/usr/bin/env -S node --import tsx
/**
 * `npm run spec:mock -- <api|file> [--port N] [--dynamic]`: a Prism mock of the effective spec of
 * an API (overlays applied) on 127.0.0.1, at the same paths as a gateway
 * (`/webrtc-registration/v0.3/sessions`). Callbacks are stripped: Prism would fire them at the
 * public hosts of the examples. Runs until interrupted. See PRISM_MOCK_TRAPS for where Prism's
 * answers differ from CAMARA's.
 */
import { Command } from "commander";
import { serverBasePath } from "./codegen/build-manifest.ts";
import { loadApiSpec } from "./spec/mock/load-api-spec.ts";
import { formatViolation } from "./spec/mock/prism-log.ts";
import { PRISM_MOCK_TRAPS } from "./spec/mock/prism-traps.ts";
import { startPrism } from "./spec/mock/start-prism.ts";

const program = new Command("spec:mock")
  .argument(
    "<api>",
    "API name of the first release of apis.json (webrtc-registration), <release>/<api> (r3.1-rc.1/webrtc-registration) or an OpenAPI file",
  )
  .option("--port <n>", "TCP port on 127.0.0.1 (default: a free one)", (v) => Number.parseInt(v, 10))
  .option("--dynamic", "generate responses from the schemas instead of the examples")
  .option("--verbose", "print every line Prism logs")
  .parse();
const opts = program.opts<{ port?: number; dynamic?: boolean; verbose?: boolean }>();
const [api = ""] = program.args;

const spec = await loadApiSpec(api);
const prism = await startPrism({
  mode: "mock",
  spec,
  ...(opts.port === undefined ? {} : { port: opts.port }),
  args: opts.dynamic ? ["--dynamic"] : [],
  onViolation: (v) => console.log(formatViolation(v)),
  ...(opts.verbose ? { onLine: (line: string) => console.log(line) } : {}),
});
console.log(`Mock of ${api} listening on ${prism.url}${serverBasePath(spec)}`);
console.log(`Known differences from CAMARA:\n${PRISM_MOCK_TRAPS.map((t) => `  - ${t}`).join("\n")}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void prism.close().then(() => process.exit(0)));
}
