import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { fromRoot } from "../../scripts/lib/paths.ts";
import { fetchDevToken } from "./dev-token.ts";

const SERVER = fileURLToPath(new URL("../server.ts", import.meta.url));

export interface SpawnedGateway {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  readonly logs: string[];
  /** Resolves with the exit code once the process ends. */
  readonly exited: Promise<number | null>;
  /** A client-credentials token from the gateway's dev issuer. */
  token(phone: string, scopes: readonly string[]): Promise<string>;
}

/**
 * Starts the real composition root (impl/server.ts) as a child process on 127.0.0.1 and an
 * ephemeral port, and resolves once it logs "gateway listening". The gateway reads the development
 * CA from DEV_CA_DIR (default: the tools' `data/dev-ca`, made here as `npm start` does).
 */
export async function spawnGateway(env: Record<string, string>, timeoutMs = 60_000): Promise<SpawnedGateway> {
  const devCaDir = env.DEV_CA_DIR ?? ensureDevCa(fromRoot("data", "dev-ca")).dir;
  const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      DEV_CA_DIR: devCaDir,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.stderr?.on("data", (d: Buffer) => logs.push(d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: its pipes would keep the test process alive.
      child.kill("SIGKILL");
      reject(new Error(`gateway did not start:\n${logs.join("")}`));
    }, timeoutMs);
    void exited.then((code) => reject(new Error(`gateway exited with ${code}:\n${logs.join("")}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === "gateway listening" && entry.port) {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // not a log line
      }
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    child,
    logs,
    exited,
    token: (phone, scopes) => fetchDevToken(baseUrl, phone, scopes),
  };
}
