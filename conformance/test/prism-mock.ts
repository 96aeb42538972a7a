import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { apis } from "../../generated/r2.2/index.ts";
import { repoRoot } from "../run/feature-sources.ts";
import { loadContract } from "../support/contract.ts";

/** A spec-derived mock of the three APIs: one Prism per API behind a router on their base paths. */
export interface PrismMock {
  /** Put this as the apiRoot of a target configuration. */
  readonly apiRoot: string;
  stop(): Promise<void>;
}

const PRISM = join(repoRoot, "node_modules", ".bin", "prism");

/**
 * The effective spec without `callbacks`: Prism would otherwise try to call the subscription's
 * sink back, which is neither wanted nor on loopback.
 */
export function withoutCallbacks(spec: object): object {
  return JSON.parse(
    JSON.stringify(spec, (key, value: unknown) => (key === "callbacks" ? undefined : value)),
  ) as object;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startPrism(file: string, port: number, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(PRISM, ["mock", "-h", "127.0.0.1", "-p", String(port), file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`prism did not start within ${timeoutMs} ms:\n${output.join("")}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`prism exited with ${code}:\n${output.join("")}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      output.push(line);
      if (line.includes("Prism is listening")) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(child);
      }
    });
  });
}

/**
 * Starts Prism on the callback-free effective spec of each API (loopback, ephemeral ports) and a
 * router that strips each API's base path, since Prism serves paths without the server prefix.
 */
export async function startPrismMock(timeoutMs = 60_000): Promise<PrismMock> {
  const contract = loadContract();
  const dir = mkdtempSync(join(tmpdir(), "camara-prism-"));
  const children: ChildProcess[] = [];
  const upstreams: { basePath: string; port: number }[] = [];
  try {
    await Promise.all(
      apis.map(async (api) => {
        const file = join(dir, `${api.name}.json`);
        writeFileSync(file, JSON.stringify(withoutCallbacks(contract.spec(api.name))));
        const port = await freePort();
        children.push(await startPrism(file, port, timeoutMs));
        upstreams.push({ basePath: api.basePath, port });
      }),
    );
  } catch (error) {
    for (const child of children) child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const router: Server = createServer((req, res) => {
    const url = req.url ?? "/";
    const target = upstreams.find(
      (u) => url === u.basePath || url.startsWith(`${u.basePath}/`) || url.startsWith(`${u.basePath}?`),
    );
    if (!target) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end('{"status":404,"code":"NOT_FOUND","message":"No API here."}');
      return;
    }
    const forward = httpRequest(
      {
        host: "127.0.0.1",
        port: target.port,
        method: req.method,
        path: url.slice(target.basePath.length) || "/",
        headers: req.headers,
      },
      (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      },
    );
    forward.on("error", (error) => res.writeHead(502).end(String(error)));
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => router.listen(0, "127.0.0.1", resolve));
  const { port } = router.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => router.close(() => resolve()));
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill("SIGTERM");
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
