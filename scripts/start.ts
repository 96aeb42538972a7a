#!/usr/bin/env -S node --import tsx
/**
 * `npm start`: the gateway with its local lab. Runs the prerequisites step (`npm run setup`: the
 * Debian packages it needs, installed when missing), makes the development CA, brings up Kamailio
 * and rtpengine (Janus with MEDIA_ANCHOR=janus) on 127.0.0.1 with the development phone numbers as SIP
 * subscribers, then runs impl/server.ts with ENGINE=sip and the media anchor pointed at them. `LAB=off npm start` runs the gateway alone with the
 * offline engine. `STORE=postgres` without DATABASE_URL also starts a private PostgreSQL
 * (scripts/lab/postgres.ts, data in `$DATA_DIR/lab/postgres`) and points the gateway at it.
 * `SIP_EDGE=on npm start` runs the SIP edge (deploy/kamailio) instead of the lab's Kamailio: wss://
 * 7443 for browser SIP users (EDGE_SIP_USERS), UDP/TCP 5060, TLS 5061. Ctrl-C (or SIGTERM) stops the
 * gateway first, then the lab.
 */
import { spawn } from "node:child_process";
import { ensureDevCa } from "./dev-ca/dev-ca.ts";
import { startGatewayEdge } from "./lab/edge.ts";
import { startJanus } from "./lab/janus.ts";
import { startPostgres } from "./lab/postgres.ts";
import { startRtpengine } from "./lab/rtpengine.ts";
import { startGatewayLab } from "./lab/start.ts";
import { fromRoot } from "./lib/paths.ts";
import { runSetup } from "./setup/setup.ts";

const withLab = process.env.LAB !== "off" && process.env.ENGINE !== "offline";
const withPostgres = process.env.STORE === "postgres" && !process.env.DATABASE_URL;
const phoneNumbers = (process.env.DEV_PHONE_NUMBERS ?? "+34600000001,+34600000002,+34600000003")
  .split(",")
  .map((s) => s.trim());

const dataDir = process.env.DATA_DIR ?? fromRoot("data");
// The prerequisites first (Kamailio, SIPp, rtpengine, openssl; nothing when all are installed), then
// the development CA the gateway reads for its notification relay and loopback sinks.
if (runSetup(withLab || withPostgres ? "lab" : "tools", (line) => console.error(`[setup] ${line}`)) !== 0)
  process.exit(1);
const devCa = ensureDevCa(process.env.DEV_CA_DIR ?? `${dataDir}/dev-ca`);

const transport = (process.env.SIP_TRANSPORT as "udp" | "tcp" | "tls" | "ws" | "wss" | undefined) ?? "tcp";
const withEdge = process.env.SIP_EDGE === "on";
if (withEdge && (transport === "ws" || transport === "wss")) {
  console.error(
    "SIP_EDGE=on serves browsers over wss:// only: run the gateway with SIP_TRANSPORT udp, tcp or tls",
  );
  process.exit(2);
}
// MEDIA_ANCHOR=janus: Janus (NoSIP) anchors the gateway's media instead of rtpengine; the SIP edge
// still anchors its browser users' media with rtpengine.
const withJanus = process.env.MEDIA_ANCHOR === "janus";
const rtpengine =
  withLab && (!withJanus || withEdge)
    ? await startRtpengine({ dir: `${dataDir}/lab/rtpengine`, keepDir: true })
    : undefined;
const janus =
  withLab && withJanus ? await startJanus({ dir: `${dataDir}/lab/janus`, keepDir: true }) : undefined;
// SIP_EDGE=on: the SIP edge (deploy/kamailio) instead of the lab's Kamailio, on the service's ports.
const gatewayLab =
  withLab && rtpengine && withEdge && transport !== "ws" && transport !== "wss"
    ? await startGatewayEdge({
        ca: devCa,
        phoneNumbers,
        browserUsers: (process.env.EDGE_SIP_USERS ?? "+34600000009").split(",").map((s) => s.trim()),
        dataDir,
        rtpengineNg: `${rtpengine.ngHost}:${rtpengine.ngPort}`,
        transport,
        log: (line) => console.error(`[lab] ${line}`),
      })
    : withLab
      ? await startGatewayLab({
          phoneNumbers,
          dataDir,
          transport,
          log: (line) => console.error(`[lab] ${line}`),
        })
      : undefined;
const postgres = withPostgres
  ? await startPostgres({ dir: `${dataDir}/lab/postgres`, log: (line) => console.error(`[lab] ${line}`) })
  : undefined;
const databaseUrl = await postgres?.createDatabase("camara");
if (gatewayLab) console.error(`[lab] Kamailio up: ${gatewayLab.env.SIP_OUTBOUND_PROXY ?? ""}`);
if (rtpengine) console.error(`[lab] rtpengine up: ng ${rtpengine.ngHost}:${rtpengine.ngPort}`);
if (janus) console.error(`[lab] Janus up: ${janus.wsUrl}, log ${janus.logFile}`);
/**
 * The gateway's SIP port with the lab: fixed, so that the network's in-dialog requests (a BYE, a
 * re-INVITE) still reach a gateway restarted mid-call (its Contact names this port). SIP_LOCAL_PORT
 * overrides it; 0 picks a free port (calls then do not survive a restart).
 */
const LAB_GATEWAY_SIP_PORT = "5070";
const labEnv = {
  DEV_CA_DIR: devCa.dir,
  ...(gatewayLab?.env ?? {}),
  ...(gatewayLab ? { SIP_LOCAL_PORT: process.env.SIP_LOCAL_PORT ?? LAB_GATEWAY_SIP_PORT } : {}),
  ...(rtpengine ? { RTPENGINE_NG: `${rtpengine.ngHost}:${rtpengine.ngPort}` } : {}),
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  ...(janus ? janus.gatewayEnv() : {}),
};

const gateway = spawn(process.execPath, ["--import", "tsx", fromRoot("impl/server.ts")], {
  env: { ...process.env, ...labEnv },
  stdio: "inherit",
});

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  gateway.kill(signal);
};
process.on("SIGINT", () => stop("SIGTERM"));
process.on("SIGTERM", () => stop("SIGTERM"));
gateway.on("exit", async (code) => {
  await gatewayLab?.lab.stop();
  await rtpengine?.stop();
  await postgres?.close();
  await janus?.stop();
  process.exit(code ?? 1);
});
