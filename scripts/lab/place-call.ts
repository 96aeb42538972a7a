#!/usr/bin/env -S node --import tsx
/**
 * `tsx scripts/lab/place-call.ts`: a remote caller of the SIP test network — the command behind
 * `testNetwork.placeIncomingCall` of the conformance suite. It calls TO from FROM through the lab's
 * Kamailio with a SIPp UAC (scenarios/net-uac.xml) and stays in the call until it ends:
 *
 * - the called party answers → ACK, then it waits for the BYE (answered 200);
 * - the called party refuses (e.g. 603 when the API client declines) → ACK, and it ends;
 * - SIGTERM/SIGINT (the suite stops it after the scenario) → a BYE once answered, a CANCEL while
 *   ringing: a "HANGUP" request with the call's Call-ID, sent straight to SIPp's own port, makes
 *   the scenario hang up (SIPp 3.6 has no signal for that: SIGTERM exits at once, and SIGUSR1's
 *   soft exit is undone once -m calls were placed);
 * - bounds: CANCEL after `--max-ring-sec` without a final response, BYE after `--max-call-sec`
 *   without a request in the dialog; SIPp is killed past both.
 *
 *   FROM=tel:+34600000003 TO=+34600000001 tsx scripts/lab/place-call.ts --proxy 127.0.0.1:5060
 *
 * Exit code: SIPp's (0 when the call went through one of the paths above).
 */
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { freePort } from "./free-port.ts";
import type { Lab } from "./lab.ts";
import { runSipp } from "./sipp.ts";
import { numberOf } from "./test-network.ts";

export interface PlaceCallOptions {
  /** The caller, `tel:+34600000003` or `+34600000003`. */
  readonly from: string;
  /** The called subscriber, `tel:`/E.164 (the Request-URI user the proxy looks up). */
  readonly to: string;
  /** The proxy, `host:port` (SIP over TCP). */
  readonly proxy: string;
  /** Host part of the From and To URIs; default the lab's domain `lab.sip.test`. */
  readonly domain?: string;
  /** Ringing longer than this without a final response → CANCEL, seconds; default 60. */
  readonly maxRingSec?: number;
  /** A dialog quiet for this long → BYE from this side, seconds; default 120. */
  readonly maxCallSec?: number;
  /** Called for each progress line (default stderr). */
  readonly log?: (line: string) => void;
}

/** Places one call and resolves with SIPp's exit code when the call has ended. */
export async function placeCall(options: PlaceCallOptions): Promise<number | null> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const maxRingMs = (options.maxRingSec ?? 60) * 1000;
  const maxCallMs = (options.maxCallSec ?? 120) * 1000;
  const localPort = await freePort();
  // The Call-ID SIPp gives its one call (-cid_str: %u is the call number), known here for HANGUP.
  const token = randomBytes(6).toString("hex");
  const callId = `1-place-call-${token}@127.0.0.1`;
  const run = runSipp({
    scenario: "net-uac.xml",
    remote: options.proxy,
    transport: "tcp",
    localPort,
    service: numberOf(options.to),
    extra: ["-cid_str", `%u-place-call-${token}@%s`],
    template: {
      caller: numberOf(options.from),
      domain: options.domain ?? "lab.sip.test",
      max_ring_ms: maxRingMs,
      max_call_ms: maxCallMs,
    },
    // Past both bounds, plus the BYE/CANCEL transactions (Timer F, 64*T1 = 32 s).
    timeoutMs: maxRingMs + maxCallMs + 40_000,
  });
  log(`place-call: calling ${numberOf(options.to)} from ${numberOf(options.from)} via ${options.proxy}`);
  let ending = false;
  const end = () => {
    if (ending || run.process.exitCode !== null) return;
    ending = true;
    sendHangup(localPort, callId);
    // The BYE or CANCEL transaction, then SIPp ends; past Timer F (64*T1 = 32 s) it is killed.
    setTimeout(() => run.process.kill("SIGKILL"), 35_000).unref();
  };
  process.once("SIGTERM", end);
  process.once("SIGINT", end);
  // Orphaned (the suite died without stopping us): end the call too.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) end();
  }, 1000);
  watch.unref();
  const result = await run.done;
  clearInterval(watch);
  process.off("SIGTERM", end);
  process.off("SIGINT", end);
  log(`place-call: SIPp exited ${result.code}${ending ? " (stopped)" : ""}`);
  if (result.code !== 0 && !ending) log(`${result.errors.slice(-2000)}\n${result.output.slice(-1000)}`);
  return result.code;
}

/**
 * Asks the scenario to hang up: a request SIPp matches to the call by its Call-ID (net-uac.xml
 * waits for "HANGUP" while ringing and in the call). Nothing answers it; errors are ignored, since
 * SIPp may have ended the call meanwhile.
 */
function sendHangup(port: number, callId: string): void {
  const socket = connect({ host: "127.0.0.1", port }, () => {
    socket.end(
      [
        `HANGUP sip:caller@127.0.0.1:${port};transport=tcp SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK-hangup-${randomBytes(4).toString("hex")}`,
        "From: <sip:place-call@127.0.0.1>;tag=hangup",
        "To: <sip:caller@127.0.0.1>",
        `Call-ID: ${callId}`,
        "CSeq: 1 HANGUP",
        "Max-Forwards: 0",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n"),
    );
  });
  socket.on("error", () => undefined);
}

/**
 * The shell command for `testNetwork.placeIncomingCall` against a lab: `exec` makes the suite's
 * SIGTERM reach this process rather than the shell.
 */
export function placeCallCommand(lab: Lab): string {
  const script = fileURLToPath(import.meta.url);
  return `exec "${process.execPath}" --import tsx "${script}" --proxy 127.0.0.1:${lab.sipPort} --domain ${lab.domain}`;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3600) throw new InvalidArgumentError("1 to 3600 seconds");
  return n;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opts = new Command("place-call")
    .description("Call TO from FROM through a SIP proxy and stay in the call until it ends")
    .option("--from <address>", "the caller (default $FROM)", process.env.FROM)
    .option("--to <address>", "the called number (default $TO)", process.env.TO)
    .option(
      "--proxy <host:port>",
      "SIP proxy over TCP (default $TEST_NETWORK_PROXY)",
      process.env.TEST_NETWORK_PROXY,
    )
    .option("--domain <host>", "host of the From and To URIs", "lab.sip.test")
    .option("--max-ring-sec <n>", "CANCEL after this long without an answer", seconds, 60)
    .option("--max-call-sec <n>", "BYE after this long without a request in the call", seconds, 120)
    .showHelpAfterError()
    .parse()
    .opts<{
      from?: string;
      to?: string;
      proxy?: string;
      domain: string;
      maxRingSec: number;
      maxCallSec: number;
    }>();
  if (!opts.from || !opts.to || !opts.proxy) {
    console.error("place-call: FROM, TO and a proxy (--proxy or TEST_NETWORK_PROXY) are required");
    process.exit(2);
  }
  const code = await placeCall({
    from: opts.from,
    to: opts.to,
    proxy: opts.proxy,
    domain: opts.domain,
    maxRingSec: opts.maxRingSec,
    maxCallSec: opts.maxCallSec,
  });
  process.exit(code ?? 1);
}
