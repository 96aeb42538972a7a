#!/usr/bin/env -S node --import tsx
/**
 * `npm start`: the gateway with its local lab. Brings up Kamailio and rtpengine on 127.0.0.1
 * (installing the Debian packages when missing) with the development phone numbers as SIP
 * subscribers, then runs impl/server.ts with ENGINE=sip and the media anchor pointed at them. `LAB=off npm start` runs the gateway alone with the
 * offline engine. Ctrl-C (or SIGTERM) stops the gateway first, then the lab.
 */
import { spawn } from "node:child_process";
import { startRtpengine } from "./lab/rtpengine.ts";
import { startGatewayLab } from "./lab/start.ts";
import { fromRoot } from "./lib/paths.ts";

const withLab = process.env.LAB !== "off" && process.env.ENGINE !== "offline";
const phoneNumbers = (process.env.DEV_PHONE_NUMBERS ?? "+34600000001,+34600000002,+34600000003")
  .split(",")
  .map((s) => s.trim());

const gatewayLab = withLab
  ? await startGatewayLab({
      phoneNumbers,
      dataDir: process.env.DATA_DIR ?? fromRoot("data"),
      transport: (process.env.SIP_TRANSPORT as "udp" | "tcp" | "tls" | "ws" | undefined) ?? "tcp",
      log: (line) => console.error(`[lab] ${line}`),
    })
  : undefined;
const rtpengine = withLab
  ? await startRtpengine({ dir: `${process.env.DATA_DIR ?? fromRoot("data")}/lab/rtpengine`, keepDir: true })
  : undefined;
if (gatewayLab) console.error(`[lab] Kamailio up: ${gatewayLab.env.SIP_OUTBOUND_PROXY ?? ""}`);
if (rtpengine) console.error(`[lab] rtpengine up: ng ${rtpengine.ngHost}:${rtpengine.ngPort}`);
const labEnv = {
  ...(gatewayLab?.env ?? {}),
  ...(rtpengine ? { RTPENGINE_NG: `${rtpengine.ngHost}:${rtpengine.ngPort}` } : {}),
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
  process.exit(code ?? 1);
});
