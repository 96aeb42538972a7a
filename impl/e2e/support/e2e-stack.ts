import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../scripts/lab/free-port.ts";
import { type Lab, startLab } from "../../../scripts/lab/lab.ts";
import { type Rtpengine, startRtpengine } from "../../../scripts/lab/rtpengine.ts";
import { runSipp, type SippRun } from "../../../scripts/lab/sipp.ts";
import { createNgClient, type NgClient } from "../../engine/media/ng-client.ts";
import { createRtpengineAnchor, type RtpengineAnchor } from "../../engine/media/rtpengine-anchor.ts";
import { type SpawnedGateway, spawnGateway } from "../../testing/spawn-gateway.ts";

export const ALICE = "+34600000001";
export const BOB = "+34600000002";

/** SIPp scenarios of the e2e tier. */
export const E2E_SCENARIOS = new URL("../scenarios/", import.meta.url).pathname;

/**
 * The whole chain on loopback for browser end-to-end tests: rtpengine, Kamailio (lab registrar
 * and proxy) and the real gateway process (impl/server.ts, ENGINE=sip, RTPENGINE_NG) with its
 * development issuer, notification relay and the demo softphone at /demo.
 */
export interface E2eStack {
  readonly rtpengine: Rtpengine;
  readonly lab: Lab;
  readonly gateway: SpawnedGateway;
  /** http://localhost:<port>, the origin the browser loads /demo from. */
  readonly origin: string;
  /** A client of the same rtpengine, for statistics and the list of calls. */
  readonly media: RtpengineAnchor;
  /** Starts a SIPp endpoint with RTP echo on its own media port; stopped on close. */
  sipp(options: {
    scenario: string;
    service?: string;
    localPort?: number;
    /** `__NAME__` placeholders of the scenario file and their values (see runSipp). */
    template?: Readonly<Record<string, string | number>>;
  }): Promise<SippRun & { port: number }>;
  close(): Promise<void>;
}

export interface E2eStackOptions {
  /** Gateway environment on top of the stack's own (e.g. SIP_INVITE_TIMEOUT_MS). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Starts the SIP network the gateway registers with, given its state folder and the API devices'
   * credentials; default the lab's Kamailio (scripts/lab/lab.ts). The SIP edge is another
   * (scripts/lab/edge.ts).
   */
  readonly sipNetwork?: (o: {
    dir: string;
    credentials: ReadonlyMap<string, string>;
    rtpengine: Rtpengine;
  }) => Promise<Lab>;
  /** Runs once rtpengine is up and before the gateway starts, e.g. to leave calls of an "earlier run". */
  readonly beforeGateway?: (rtpengine: Rtpengine) => Promise<void>;
}

export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const dir = mkdtempSync(join(tmpdir(), "camara-e2e-"));
  const rtpengine = await startRtpengine({ dir: join(dir, "rtpengine") });
  const credentials = new Map([
    [ALICE, "alice-secret"],
    [BOB, "bob-secret"],
  ]);
  let lab: Lab | undefined;
  let ng: NgClient | undefined;
  const runs: SippRun[] = [];
  try {
    lab = options.sipNetwork
      ? await options.sipNetwork({ dir: join(dir, "lab"), credentials, rtpengine })
      : await startLab({ credentials, dir: join(dir, "lab") });
    await options.beforeGateway?.(rtpengine);
    const credentialsFile = join(dir, "sip-credentials.json");
    writeFileSync(credentialsFile, JSON.stringify(Object.fromEntries(credentials)));
    const gateway = await spawnGateway(
      {
        ...lab.gatewayEnv("tcp", credentialsFile),
        RTPENGINE_NG: `${rtpengine.ngHost}:${rtpengine.ngPort}`,
        DATA_DIR: join(dir, "data"),
        DEV_PHONE_NUMBERS: `${ALICE},${BOB}`,
        RELAY_ENABLED: "true",
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "info",
        ...options.env,
      },
      30_000,
    );
    ng = createNgClient({ host: rtpengine.ngHost, port: rtpengine.ngPort });
    const media = createRtpengineAnchor({ ng });
    const started = lab;
    const client = ng;
    return {
      rtpengine,
      lab: started,
      gateway,
      origin: gateway.baseUrl.replace("127.0.0.1", "localhost"),
      media,
      async sipp({ scenario, service, localPort, template }) {
        const port = localPort ?? (await freePort());
        const mediaPort = await freeMediaPorts();
        const run = runSipp({
          scenario: join(E2E_SCENARIOS, scenario),
          remote: `127.0.0.1:${started.sipPort}`,
          transport: "tcp",
          localPort: port,
          timeoutMs: 90_000,
          ...(service ? { service } : {}),
          ...(template ? { template } : {}),
          extra: ["-mi", "127.0.0.1", "-mp", String(mediaPort), "-rtp_echo"],
        });
        runs.push(run);
        await run.ready;
        return Object.assign(run, { port });
      },
      async close() {
        for (const run of runs) run.stop();
        gateway.child.kill("SIGTERM");
        await gateway.exited;
        await client.close();
        await started.stop();
        await rtpengine.stop();
        if (!process.env.E2E_KEEP) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const run of runs) run.stop();
    await ng?.close();
    await lab?.stop();
    await rtpengine.stop();
    throw error;
  }
}

/**
 * An even UDP port whose next three are free too: SIPp's RTP echo listens on the media port (audio)
 * and media port + 2 (video), RTCP sits one above each. Linux hands out odd ports for bind(0), so the
 * block starts one below a kernel-chosen port; bounded attempts.
 */
async function freeMediaPorts(): Promise<number> {
  const udpFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = createSocket("udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 20; attempt++) {
    const chosen = await freePort();
    const base = chosen % 2 === 0 ? chosen : chosen - 1;
    const free = await Promise.all([0, 1, 2, 3].map((i) => udpFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error("no block of four free UDP ports on loopback for SIPp media");
}
