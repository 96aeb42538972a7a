import { type ChildProcess, spawn } from "node:child_process";
import { requirePackages } from "../setup/debian-packages.ts";
import { freePort } from "./free-port.ts";

/** Records of a lab DNS zone (what RFC 3263 reads: NAPTR, SRV, A/AAAA). */
export interface LabZone {
  /** `name → [order, preference, flags, service, regexp, replacement]` */
  readonly naptr?: ReadonlyArray<{
    name: string;
    order: number;
    preference: number;
    service: string;
    replacement: string;
  }>;
  readonly srv?: ReadonlyArray<{
    name: string;
    target: string;
    port: number;
    priority: number;
    weight: number;
  }>;
  readonly hosts?: ReadonlyArray<{ name: string; addresses: readonly string[] }>;
}

export interface LabDns {
  /** `127.0.0.1:<port>`, for SIP_DNS_SERVERS. */
  readonly server: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** The top-level labels of the zone's names: dnsmasq answers them from its own records only. */
function localDomains(zone: LabZone): string[] {
  const names = [
    ...(zone.naptr ?? []).map((r) => r.name),
    ...(zone.srv ?? []).map((r) => r.name),
    ...(zone.hosts ?? []).map((h) => h.name),
    PROBE,
  ];
  return [...new Set(names.map((n) => n.split(".").at(-1) as string))].sort();
}

const PROBE = "probe.lab-dns.invalid";

/**
 * dnsmasq's command line for a zone: no upstream, no /etc/hosts, authoritative (NXDOMAIN for what
 * it lacks) for the zone's top-level domains.
 */
export function dnsmasqArgs(zone: LabZone, port: number): string[] {
  return [
    "--keep-in-foreground",
    "--conf-file=/dev/null",
    "--no-resolv",
    "--no-hosts",
    "--no-poll",
    "--bind-interfaces",
    "--listen-address=127.0.0.1",
    `--port=${port}`,
    "--log-facility=-",
    "--user=root",
    "--pid-file=",
    ...(zone.naptr ?? []).map(
      (r) => `--naptr-record=${r.name},${r.order},${r.preference},S,${r.service},,${r.replacement}`,
    ),
    ...(zone.srv ?? []).map((r) => `--srv-host=${r.name},${r.target},${r.port},${r.priority},${r.weight}`),
    ...(zone.hosts ?? []).map((h) => `--host-record=${h.name},${h.addresses.join(",")}`),
    `--host-record=${PROBE},127.0.0.1`,
    ...localDomains(zone).map((d) => `--local=/${d}/`),
  ];
}

/**
 * Starts dnsmasq (Debian's dnsmasq-base) on 127.0.0.1 and a free port serving `zone` only, for
 * RFC 3263 tests inside a loopback-only namespace. Resolves once it answers a query.
 */
export async function startLabDns(zone: LabZone): Promise<LabDns> {
  requirePackages(["dnsmasq-base"]);
  const port = await freePort();
  const child = spawn("/usr/sbin/dnsmasq", dnsmasqArgs(zone, port), { stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const { Resolver } = await import("node:dns/promises");
  const probe = new Resolver({ timeout: 200, tries: 1 });
  probe.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${log.join("")}`);
    const answered = await probe.resolve4(PROBE).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`dnsmasq did not answer on 127.0.0.1:${port}: ${log.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    server: `127.0.0.1:${port}`,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
