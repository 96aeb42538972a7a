import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { freePort } from "../../../scripts/lab/free-port.ts";
import { type Janus, startJanus } from "../../../scripts/lab/janus.ts";
import { type Lab, startLab } from "../../../scripts/lab/lab.ts";
import { type Rtpengine, startRtpengine } from "../../../scripts/lab/rtpengine.ts";
import { runSipp, type SippRun } from "../../../scripts/lab/sipp.ts";
import { createJanusAnchorFromConfig } from "../../engine/media/janus/janus-config.ts";
import type { InspectableMediaAnchor } from "../../engine/media/media-config.ts";
import { DEFAULT_MEDIA_POLICY } from "../../engine/media/media-policy.ts";
import { createNgClient, type NgClient } from "../../engine/media/ng-client.ts";
import { createRtpengineAnchor } from "../../engine/media/rtpengine-anchor.ts";
import { type SpawnedGateway, spawnGateway } from "../../testing/spawn-gateway.ts";

export const ALICE = "+34600000001";
export const BOB = "+34600000002";

/** SIPp scenarios of the e2e tier. */
export const E2E_SCENARIOS = new URL("../scenarios/", import.meta.url).pathname;

/** The media anchors an e2e stack can run (MEDIA_ANCHOR). */
export type E2eAnchor = "rtpengine" | "janus";

/**
 * The whole chain on loopback for browser end-to-end tests: the media anchor (rtpengine, or Janus
 * with `anchor: "janus"`), Kamailio (lab registrar and proxy) and the real gateway process
 * (impl/server.ts, ENGINE=sip, RTPENGINE_NG or MEDIA_ANCHOR=janus) with its development issuer,
 * notification relay and the demo softphone at /demo.
 */
export interface E2eStack {
  readonly anchor: E2eAnchor;
  /** The running rtpengine (rtpengine stacks) or Janus (Janus stacks). */
  readonly rtpengine: Rtpengine | undefined;
  readonly janus: Janus | undefined;
  readonly lab: Lab;
  /** The running gateway process (a new one after {@link E2eStack.restartGateway}). */
  readonly gateway: SpawnedGateway;
  /** http://localhost:<port>, the origin the browser loads /demo from. */
  readonly origin: string;
  /** A client of the same anchor, for statistics and the list of calls. */
  readonly media: InspectableMediaAnchor;
  /** Every Janus API session Janus holds (Admin API `list_sessions`); [] for rtpengine stacks. */
  anchorSessions(): Promise<number[]>;
  /** Starts a SIPp endpoint with RTP echo on its own media port; stopped on close. */
  sipp(options: {
    scenario: string;
    service?: string;
    localPort?: number;
    /** `__NAME__` placeholders of the scenario file and their values (see runSipp). */
    template?: Readonly<Record<string, string | number>>;
  }): Promise<SippRun & { port: number }>;
  /**
   * Kills the gateway with SIGKILL and starts it again with the same environment: the same store
   * (DATA_DIR), HTTP port (so the page's origin stays) and SIP port (so the network's in-dialog
   * requests still reach it). Resolves once the new process listens.
   */
  restartGateway(): Promise<SpawnedGateway>;
  close(): Promise<void>;
}

export interface E2eStackOptions {
  /** Gateway environment on top of the stack's own (e.g. SIP_INVITE_TIMEOUT_MS). */
  readonly env?: Readonly<Record<string, string>>;
  /** The media anchor; default rtpengine. */
  readonly anchor?: E2eAnchor;
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
  /** The same for a Janus stack. */
  readonly beforeGatewayJanus?: (janus: Janus) => Promise<void>;
}

export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const dir = mkdtempSync(join(tmpdir(), "camara-e2e-"));
  const kind = options.anchor ?? "rtpengine";
  const rtpengine = kind === "rtpengine" ? await startRtpengine({ dir: join(dir, "rtpengine") }) : undefined;
  const janus =
    kind === "janus"
      ? await startJanus({ dir: join(dir, "janus"), keepDir: true }).catch(failWith(rtpengine))
      : undefined;
  const credentials = new Map([
    [ALICE, "alice-secret"],
    [BOB, "bob-secret"],
  ]);
  let lab: Lab | undefined;
  let ng: NgClient | undefined;
  let media:
    | (InspectableMediaAnchor & { close?(): Promise<void>; sessions?(): Promise<number[]> })
    | undefined;
  const runs: SippRun[] = [];
  const stopAnchors = async () => {
    await media?.close?.();
    await ng?.close();
    await rtpengine?.stop();
    await janus?.stop();
  };
  try {
    lab = options.sipNetwork
      ? await options.sipNetwork({ dir: join(dir, "lab"), credentials, rtpengine: rtpengine as Rtpengine })
      : await startLab({ credentials, dir: join(dir, "lab") });
    if (rtpengine) await options.beforeGateway?.(rtpengine);
    if (janus) await options.beforeGatewayJanus?.(janus);
    const credentialsFile = join(dir, "sip-credentials.json");
    writeFileSync(credentialsFile, JSON.stringify(Object.fromEntries(credentials)));
    const gatewayEnv = {
      ...lab.gatewayEnv("tcp", credentialsFile),
      // Fixed ports, so that a restarted gateway is found where the page and the network left it.
      PORT: String(await freePort()),
      SIP_LOCAL_PORT: String(await freePort()),
      ...(rtpengine ? { RTPENGINE_NG: `${rtpengine.ngHost}:${rtpengine.ngPort}` } : {}),
      ...(janus ? janus.gatewayEnv() : {}),
      DATA_DIR: join(dir, "data"),
      DEV_PHONE_NUMBERS: `${ALICE},${BOB}`,
      RELAY_ENABLED: "true",
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "info",
      ...options.env,
    };
    let gateway = await spawnGateway(gatewayEnv, 30_000);
    if (rtpengine) {
      ng = createNgClient({ host: rtpengine.ngHost, port: rtpengine.ngPort });
      media = createRtpengineAnchor({ ng });
    } else if (janus) {
      media = janusInspector(janus);
    }
    const started = lab;
    const inspector = media as InspectableMediaAnchor & { sessions?(): Promise<number[]> };
    return {
      anchor: kind,
      rtpengine,
      janus,
      lab: started,
      get gateway() {
        return gateway;
      },
      origin: gateway.baseUrl.replace("127.0.0.1", "localhost"),
      media: inspector,
      anchorSessions: async () => (inspector.sessions ? inspector.sessions() : []),
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
      async restartGateway() {
        gateway.child.kill("SIGKILL");
        await gateway.exited;
        gateway = await spawnGateway(gatewayEnv, 30_000);
        return gateway;
      },
      async close() {
        for (const run of runs) run.stop();
        gateway.child.kill("SIGTERM");
        await gateway.exited;
        await started.stop();
        await stopAnchors();
        if (!process.env.E2E_KEEP) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const run of runs) run.stop();
    await lab?.stop();
    await stopAnchors();
    throw error;
  }
}

/** A Janus anchor of the test's own, used only for its Admin API views (list, query, sessions). */
export function janusInspector(janus: Janus) {
  return createJanusAnchorFromConfig(
    { url: janus.wsUrl, adminUrl: janus.adminWsUrl, adminSecret: janus.adminSecret, timeoutMs: 10_000 },
    { policy: DEFAULT_MEDIA_POLICY, callIdPrefix: "camara-gw-" },
    pino({ level: "silent" }),
  );
}

function failWith(rtpengine: Rtpengine | undefined) {
  return async (error: unknown): Promise<never> => {
    await rtpengine?.stop();
    throw error;
  };
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
