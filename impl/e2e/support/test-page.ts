import { createServer, type Server } from "node:http";
import { bundleForBrowser } from "../../demo/bundle.ts";

export interface TestPage {
  /** http://localhost:<port>/ — a secure context, as getUserMedia requires. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves a blank page that loads `entry` (a browser TypeScript module, bundled by esbuild) on
 * localhost, for tests that drive WebRTC without the gateway.
 */
export async function serveTestPage(entry: string): Promise<TestPage> {
  const script = await bundleForBrowser(entry);
  const server: Server = createServer((req, res) => {
    if (req.url === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(script);
      return;
    }
    res
      .writeHead(200, { "content-type": "text/html" })
      .end('<!doctype html><meta charset="utf-8"><title>test device</title><script src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://localhost:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
