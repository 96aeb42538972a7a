import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleForBrowser } from "./bundle.ts";

/** URL path of the demo softphone on the gateway. */
export const DEMO_PATH = "/demo";

/** The part of an HTTP response the demo routes use (Express's Response has it). */
export interface DemoResponse {
  type(contentType: string): DemoResponse;
  send(body: string): unknown;
  status(code: number): DemoResponse;
}

/** Something that routes GET requests (the gateway's Express app), kept structural on purpose. */
export interface DemoRouteHost {
  get(path: string, handler: (req: unknown, res: DemoResponse) => void): unknown;
}

/**
 * Serves the demo softphone: the page at /demo and its script at /demo/softphone.js, bundled from
 * TypeScript by esbuild on first request (no CDN, nothing fetched at run time). The page talks to
 * the same origin: the dev issuer, the CAMARA APIs and the notification relay.
 */
export function mountDemo(app: DemoRouteHost): void {
  const html = readFileSync(fileURLToPath(new URL("./index.html", import.meta.url)), "utf8");
  let script: Promise<string> | undefined;
  const entry = fileURLToPath(new URL("./softphone-page.ts", import.meta.url));
  app.get(DEMO_PATH, (_req, res) => {
    res.type("text/html; charset=utf-8").send(html);
  });
  app.get(`${DEMO_PATH}/softphone.js`, (_req, res) => {
    script ??= bundleForBrowser(entry);
    script.then(
      (js) => res.type("text/javascript; charset=utf-8").send(js),
      (error: unknown) => {
        script = undefined;
        res
          .status(500)
          .type("text/plain")
          .send(`bundling the demo failed: ${String(error)}`);
      },
    );
  });
}
