#!/usr/bin/env -S node --import tsx
/**
 * `tsx scripts/lab/start.ts`: brings the SIP lab up for a gateway run (`npm start` with ENGINE=sip):
 * Kamailio on 127.0.0.1 with the dev phone numbers as subscribers, a credentials file for the
 * gateway, and the SIP_* variables printed as `export` lines. Stops Kamailio on SIGINT/SIGTERM.
 *
 * Programmatic use: `startGatewayLab()` returns the lab and the env for impl/server.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevCa } from "../dev-ca/dev-ca.ts";
import { type Lab, startLab } from "./lab.ts";

export interface GatewayLab {
  readonly lab: Lab;
  /** Variables for impl/server.ts (ENGINE=sip, SIP_OUTBOUND_PROXY, SIP_DOMAIN, SIP_CREDENTIALS_FILE, …). */
  readonly env: Record<string, string>;
}

/**
 * Starts the lab with one subscriber per phone number (password `lab-<number>`), state under
 * `<dataDir>/lab` (never committed: data/ is ignored).
 */
export async function startGatewayLab(options: {
  phoneNumbers: readonly string[];
  dataDir?: string;
  transport?: "udp" | "tcp" | "tls" | "ws" | "wss";
  /** The SIP addresses of a cluster's nodes, Kamailio's dispatcher set (LabOptions.gatewayNodes). */
  gatewayNodes?: readonly string[];
  log?: (line: string) => void;
}): Promise<GatewayLab> {
  const dir = resolve(options.dataDir ?? "data", "lab");
  mkdirSync(dir, { recursive: true });
  const credentials = new Map(options.phoneNumbers.map((n) => [n, `lab-${n.slice(1)}`]));
  // SIP over TLS and WSS: Kamailio presents the development CA's localhost/127.0.0.1 certificate
  // (<dataDir>/dev-ca, the CA the gateway already trusts for loopback sinks) and the gateway is told
  // to trust that CA (SIP_TLS_CA_FILE).
  const tls =
    options.transport === "tls" || options.transport === "wss"
      ? (() => {
          const ca = ensureDevCa(resolve(options.dataDir ?? "data", "dev-ca"));
          return { certPem: ca.serverCertPem, keyPem: ca.serverKeyPem, caFile: ca.caFile };
        })()
      : undefined;
  const lab = await startLab({
    credentials,
    dir,
    ...(tls ? { tls } : {}),
    ...(options.gatewayNodes ? { gatewayNodes: options.gatewayNodes } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const credentialsFile = join(dir, "gateway-credentials.json");
  writeFileSync(credentialsFile, JSON.stringify(Object.fromEntries(credentials), null, 2));
  return { lab, env: lab.gatewayEnv(options.transport ?? "tcp", credentialsFile) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const phoneNumbers = (process.env.DEV_PHONE_NUMBERS ?? "+34600000001,+34600000002,+34600000003")
    .split(",")
    .map((s) => s.trim());
  const { lab, env } = await startGatewayLab({
    phoneNumbers,
    transport: (process.env.SIP_TRANSPORT as "udp" | "tcp" | "tls" | "ws" | undefined) ?? "tcp",
    log: (line) => console.error(line),
  });
  for (const [k, v] of Object.entries(env)) console.log(`export ${k}='${v}'`);
  console.error("lab running; Ctrl-C stops Kamailio");
  const stop = async () => {
    await lab.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}
