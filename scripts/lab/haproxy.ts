import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requirePackages } from "../setup/debian-packages.ts";

export interface HaproxyBackend {
  /** The node's NODE_ID: requests for the resources whose ids it tags go to it. */
  readonly name: string;
  /** The node's API port on 127.0.0.1. */
  readonly port: number;
}

/** haproxy in the foreground balancing the API port over the gateway nodes. */
export interface HaproxyLab {
  readonly port: number;
  /** The haproxy process (its CPU is counted by bench:cluster). */
  readonly pid: number;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The configuration: round robin over the nodes, each checked with `GET /readyz` every 500 ms (out
 * after 2 failures), and a request whose connection to a node fails sent again to another (`retry-on
 * conn-failure` with `option redispatch`), so a dead node costs only the requests it had in flight.
 * Affinity: a request whose path names a resource id tagged with a node (impl/cluster/node-tagged-id.ts)
 * goes to that node while it is up (`use-server`; a rule naming a server that is down is skipped),
 * so it is not forwarded between nodes. `option forwardfor` passes the client's address on in
 * X-Forwarded-For (the nodes run with TRUST_PROXY so their rate limit keys on it).
 */
export function haproxyConfig(port: number, backends: readonly HaproxyBackend[]): string {
  return [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 30s",
    "  timeout server 30s",
    "  retries 3",
    "  option redispatch",
    "  retry-on conn-failure empty-response",
    `frontend api`,
    `  bind 127.0.0.1:${port}`,
    "  default_backend gateways",
    "backend gateways",
    "  balance roundrobin",
    "  option httpchk GET /readyz",
    "  http-check expect status 200",
    "  default-server inter 500ms fall 2 rise 1",
    "  option forwardfor",
    ...backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`),
    ...backends.map((b) => `  use-server ${b.name} if ${taggedPath(b.name)}`),
    "",
  ].join("\n");
}

/**
 * A path segment tagged with this node, as the last segment or before another: two plain string
 * matches, which cost haproxy less per request than a regular expression (bench:cluster counts its
 * CPU). `.node-1` never matches `.node-10/`; a node id that ends another after a dot (`a`, `b.a`)
 * can send a request to the wrong node, which then forwards it (affinity lost, answer unchanged).
 */
function taggedPath(nodeId: string): string {
  return `{ path_end .${nodeId} } || { path_sub .${nodeId}/ }`;
}

export async function startHaproxy(options: {
  port: number;
  backends: readonly HaproxyBackend[];
  log?: (line: string) => void;
}): Promise<HaproxyLab> {
  requirePackages(["haproxy"]);
  const dir = mkdtempSync(join(tmpdir(), "haproxy-"));
  const file = join(dir, "haproxy.cfg");
  writeFileSync(file, haproxyConfig(options.port, options.backends));
  const child: ChildProcess = spawn("/usr/sbin/haproxy", ["-db", "-f", file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const collect = (d: Buffer) => {
    for (const line of d.toString().split("\n"))
      if (line) (options.log ?? ((l: string) => lines.push(l)))(line);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${lines.join("\n")}`);
    const up = await fetch(`${baseUrl}/readyz`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`haproxy did not listen on ${options.port}: ${lines.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port: options.port,
    pid: child.pid ?? 0,
    baseUrl,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
