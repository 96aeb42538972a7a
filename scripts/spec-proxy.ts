#!/usr/bin/env -S node --import tsx
/**
 * `npm run spec:proxy -- <api|file> <upstream> [--port N] [--errors]`: a Prism validation proxy on
 * 127.0.0.1 in front of any gateway. Requests and responses are checked against the effective
 * spec and forwarded unchanged (paths keep the server base path, so `<upstream>` is the gateway
 * root); every violation is printed as `VIOLATION <severity> <where> <request>: <message>`.
 * With --errors, Prism answers invalid requests itself instead of forwarding them.
 */
import { Command } from "commander";
import { loadApiSpec } from "./spec/mock/load-api-spec.ts";
import { formatViolation } from "./spec/mock/prism-log.ts";
import { startPrism } from "./spec/mock/start-prism.ts";

const program = new Command("spec:proxy")
  .argument(
    "<api>",
    "API name of the first release of apis.json (webrtc-registration), <release>/<api> (r3.1-rc.1/webrtc-registration) or an OpenAPI file",
  )
  .argument("<upstream>", "gateway root URL, e.g. http://127.0.0.1:8080")
  .option("--port <n>", "TCP port on 127.0.0.1 (default: a free one)", (v) => Number.parseInt(v, 10))
  .option("--errors", "answer requests that violate the spec with an error instead of forwarding them")
  .option("--verbose", "print every line Prism logs")
  .parse();
const opts = program.opts<{ port?: number; errors?: boolean; verbose?: boolean }>();
const [api = "", upstream = ""] = program.args;

const prism = await startPrism({
  mode: "proxy",
  spec: await loadApiSpec(api),
  upstream,
  ...(opts.port === undefined ? {} : { port: opts.port }),
  args: opts.errors ? ["--errors"] : [],
  onViolation: (v) => console.log(formatViolation(v)),
  ...(opts.verbose ? { onLine: (line: string) => console.log(line) } : {}),
});
console.log(`Validating proxy for ${api} listening on ${prism.url}, forwarding to ${upstream}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void prism.close().then(() => process.exit(0)));
}
