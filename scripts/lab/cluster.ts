#!/usr/bin/env -S node --import tsx
/**
 * `npm run lab:cluster`: several gateways as one on this machine (README "Running several
 * gateways"). Runs the prerequisites step, then PostgreSQL (data in `$DATA_DIR/lab/cluster/postgres`),
 * rtpengine and Kamailio as `npm start` does (with the nodes as its dispatcher set), NODES gateway
 * nodes (default 3; API ports 9101…, internal channel 9201…, SIP 9301…, relay 9444…, each with its
 * own DATA_DIR) and haproxy on PORT
 * (default 9091) in front of them. Ctrl-C stops the nodes (gracefully), then the rest.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { ensureDevCa } from "../dev-ca/dev-ca.ts";
import { fromRoot } from "../lib/paths.ts";
import { runSetup } from "../setup/setup.ts";
import { startHaproxy } from "./haproxy.ts";
import { startPostgres } from "./postgres.ts";
import { startRtpengine } from "./rtpengine.ts";
import { startGatewayLab } from "./start.ts";

const nodes = Number(process.env.NODES ?? "3");
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) {
  console.error(`NODES=${process.env.NODES} must be an integer from 1 to 9`);
  process.exit(2);
}
const port = Number(process.env.PORT ?? "9091");
const log = (line: string) => console.error(`[lab] ${line}`);
if (runSetup("lab", (line) => console.error(`[setup] ${line}`)) !== 0) process.exit(1);

const dataDir = process.env.DATA_DIR ?? fromRoot("data");
const devCa = ensureDevCa(process.env.DEV_CA_DIR ?? `${dataDir}/dev-ca`);
const phoneNumbers = (process.env.DEV_PHONE_NUMBERS ?? "+34600000001,+34600000002,+34600000003").split(",");
const rtpengine = await startRtpengine({ dir: `${dataDir}/lab/rtpengine`, keepDir: true });
// Each node's SIP listener on a fixed port (9301…), Kamailio's dispatcher set of the nodes.
const sipPort = (i: number) => 9301 + i;
const sipLab = await startGatewayLab({
  phoneNumbers,
  dataDir,
  transport: "tcp",
  gatewayNodes: Array.from({ length: nodes }, (_, i) => `sip:gw@127.0.0.1:${sipPort(i)};transport=tcp`),
  log,
});
const postgres = await startPostgres({ dir: `${dataDir}/lab/cluster/postgres`, log });
const databaseUrl = await postgres.createDatabase("camara_cluster");
const secret = process.env.CLUSTER_SECRET ?? randomBytes(32).toString("hex");

const children: ChildProcess[] = [];
for (let i = 0; i < nodes; i++) {
  const name = `node-${i + 1}`;
  const child = spawn(process.execPath, ["--import", "tsx", fromRoot("impl/server.ts")], {
    env: {
      ...process.env,
      ...sipLab.env,
      DEV_CA_DIR: devCa.dir,
      RTPENGINE_NG: `${rtpengine.ngHost}:${rtpengine.ngPort}`,
      STORE: "postgres",
      DATABASE_URL: databaseUrl,
      NODE_ID: name,
      CLUSTER_SECRET: secret,
      PORT: String(9101 + i),
      SIP_LOCAL_PORT: String(sipPort(i)),
      // haproxy passes the client's address in X-Forwarded-For: the rate limit keys on it.
      TRUST_PROXY: "loopback",
      CLUSTER_INTERNAL_PORT: String(9201 + i),
      // Each node its own relay sinks, on the shared channels; any node's lane may deliver to any of them.
      RELAY_PORT: String(9444 + i),
      EVENT_SINK_ALLOWLIST: [
        ...(process.env.EVENT_SINK_ALLOWLIST ? [process.env.EVENT_SINK_ALLOWLIST] : []),
        ...Array.from({ length: nodes }, (_, j) => `127.0.0.1:${9444 + j}`),
      ].join(","),
      DATA_DIR: `${dataDir}/lab/cluster/${name}`,
      DEV_ISSUER_KEY_FILE: `${dataDir}/lab/cluster/dev-issuer-key.json`,
      DEV_ISSUER_URL: `http://127.0.0.1:${port}/dev-issuer`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr])
    if (stream) createInterface({ input: stream }).on("line", (line) => console.log(`[${name}] ${line}`));
  children.push(child);
}
// The balancer checks /readyz itself; it starts answering as soon as one node is ready.
const balancer = await startHaproxy({
  port,
  backends: children.map((_, i) => ({ name: `node-${i + 1}`, port: 9101 + i })),
  log: (line) => console.error(`[haproxy] ${line}`),
});
log(`cluster of ${nodes} nodes behind http://127.0.0.1:${port} (nodes on 9101–${9100 + nodes})`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children
      .map((c) =>
        c.exitCode === null ? new Promise((r) => c.once("exit", r)).then(() => undefined) : undefined,
      )
      .map((p, i) => {
        children[i]?.kill("SIGTERM");
        return p;
      }),
  );
  await balancer.stop();
  await sipLab.lab.stop();
  await rtpengine.stop();
  await postgres.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
