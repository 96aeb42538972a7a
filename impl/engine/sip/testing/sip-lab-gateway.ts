import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDevIssuer, createJwtVerifier } from "camara-webrtc-runtime";
import pino from "pino";
import { ensureDevCa } from "../../../../scripts/dev-ca/dev-ca.ts";
import { type Lab, type LabTlsOptions, startLab } from "../../../../scripts/lab/lab.ts";
import { createGateway, type Gateway } from "../../../gateway.ts";
import type { DomainEvent } from "../../../services/event-publisher.ts";
import { createSqliteStore } from "../../../store/index.ts";
import { ALL_SCOPES } from "../../../testing/test-gateway.ts";
import type { MediaAnchor } from "../../media-anchor.ts";
import { type SipEngineOptions, type StartedSipEngine, startSipEngine } from "../sip-engine.ts";
import { type LogRecord, recordingLogger } from "./recording-logger.ts";

/** The media session / registration an event names, if it names one (DomainEvent is a union). */
export const sid = (e: DomainEvent) => ("mediaSessionId" in e ? e.mediaSessionId : undefined);
export const rid = (e: DomainEvent) => ("registrationId" in e ? e.registrationId : undefined);

export const ALICE = "+34600000001";
export const BOB = "+34600000002";
const ISSUER = "http://127.0.0.1/sip-lab-issuer";
const AUDIENCE = "camara-webrtc-gateway";

export interface SipLabGateway {
  readonly lab: Lab;
  readonly engine: StartedSipEngine;
  readonly gateway: Gateway;
  readonly events: DomainEvent[];
  readonly baseUrl: string;
  readonly credentialsFile: string;
  /** What the SIP engine logged ("level message"), newest last (at most 500 lines). */
  readonly logs: string[];
  /** The same lines with the bindings of the logger that wrote them (correlator, ids). */
  readonly records: LogRecord[];
  request(
    method: string,
    path: string,
    options?: { phone?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** POST /webrtc-registration/v0.3/sessions for a phone; returns the registrationId. */
  register(phone?: string, expireTime?: string): Promise<string>;
  /** Resolves with the first event (already published or coming) that matches, or rejects after timeoutMs. */
  waitForEvent(match: (e: DomainEvent) => boolean, timeoutMs?: number): Promise<DomainEvent>;
  /** The session-status statuses published for a media session, in order. */
  statuses(mediaSessionId: string): string[];
  close(): Promise<void>;
}

/**
 * The real gateway in-process (HTTP, services, SQLite, JWT) with the real SIP engine, against a
 * fresh lab Kamailio on loopback. SIPp remote endpoints are started by each test.
 */
export async function startSipLabGateway(
  options: {
    transport?: "udp" | "tcp" | "tls" | "ws" | "wss";
    /**
     * TLS and WSS only: the certificate the lab's Kamailio serves and the CA (PEM) the gateway trusts.
     * Default: a fresh development CA (scripts/dev-ca/dev-ca.ts) issues the one and is the other.
     */
    tls?: { readonly lab: LabTlsOptions; readonly trustCaPem: string };
    mode?: "per-number" | "trunk";
    registerExpiresSec?: number;
    sessionExpiresSec?: number;
    inviteTimeoutMs?: number;
    sessionTimerScale?: number;
    /** The engine's media anchor (default pass-through), e.g. a fault-injecting fake (fake-media-anchor.ts). */
    mediaAnchor?: MediaAnchor;
    /**
     * Whether the lab registrar knows ALICE and BOB as subscribers (default true): it then demands
     * digest credentials for their REGISTERs and calls. A trunk is trusted without them.
     */
    subscribers?: boolean;
    /** A P-Asserted-Identity from outside the trust domain (default: the lab's Kamailio): strip or refuse. */
    untrustedPai?: "strip" | "refuse";
    /** SIP_TRUSTED_PEERS (engine option `trustedPeers`); default: the lab's Kamailio. */
    trustedPeers?: readonly string[];
    /** TLS: the gateway's own listener (engine option `tlsListener`). */
    tlsListener?: SipEngineOptions["tlsListener"];
  } = {},
): Promise<SipLabGateway> {
  const credentials = new Map([
    [ALICE, "alice-secret"],
    [BOB, "bob-secret"],
  ]);
  const transport = options.transport ?? "tcp";
  const secure = transport === "tls" || transport === "wss";
  const caDir = secure && !options.tls ? mkdtempSync(join(tmpdir(), "sip-lab-ca-")) : undefined;
  const tls = caDir ? testCaTls(caDir) : options.tls;
  const lab = await startLab({
    credentials: options.subscribers === false ? new Map() : credentials,
    ...(secure && tls ? { tls: tls.lab } : {}),
  });
  const credentialsFile = join(lab.dir, "gateway-credentials.json");
  writeFileSync(credentialsFile, JSON.stringify(Object.fromEntries(credentials)));
  const logs: string[] = [];
  const records: LogRecord[] = [];
  const proxyPort = {
    udp: lab.sipPort,
    tcp: lab.sipPort,
    tls: lab.tlsPort ?? 0,
    ws: lab.wsPort,
    wss: lab.wssPort ?? 0,
  }[transport];
  const engine = await startSipEngine({
    transport,
    localHost: "127.0.0.1",
    localPort: 0,
    outboundProxy: { host: "127.0.0.1", port: proxyPort },
    ...(secure && tls ? { tls: { ca: tls.trustCaPem } } : {}),
    domain: lab.domain,
    registrationMode: options.mode ?? "per-number",
    credentials: (phone) => {
      const password = credentials.get(phone);
      return password ? { username: phone, password } : undefined;
    },
    ...(options.registerExpiresSec ? { registerExpiresSec: options.registerExpiresSec } : {}),
    ...(options.sessionExpiresSec ? { sessionExpiresSec: options.sessionExpiresSec } : {}),
    ...(options.inviteTimeoutMs ? { inviteTimeoutMs: options.inviteTimeoutMs } : {}),
    ...(options.sessionTimerScale ? { sessionTimerScale: options.sessionTimerScale } : {}),
    ...(options.mediaAnchor ? { mediaAnchor: options.mediaAnchor } : {}),
    ...(options.untrustedPai ? { untrustedPai: options.untrustedPai } : {}),
    ...(options.trustedPeers ? { trustedPeers: options.trustedPeers } : {}),
    ...(options.tlsListener ? { tlsListener: options.tlsListener } : {}),
    logger: recordingLogger((record) => {
      const { level, message } = record;
      logs.push(`${level} ${message}`);
      records.push(record);
      if (logs.length > 500) logs.shift();
      if (records.length > 500) records.shift();
      if (process.env.SIP_TEST_LOG || level === "error")
        console.error(`[sip ${level}] ${JSON.stringify(record.bindings)} ${message}`);
    }),
  });
  const issuer = await createDevIssuer({
    issuer: ISSUER,
    audience: AUDIENCE,
    clients: [{ clientId: "c", clientSecret: "s" }],
    phoneNumbers: [ALICE, BOB],
  });
  const events: DomainEvent[] = [];
  const waiters = new Set<{ match: (e: DomainEvent) => boolean; resolve: (e: DomainEvent) => void }>();
  const gateway = createGateway({
    store: createSqliteStore({ file: ":memory:" }),
    engine: engine.factory,
    verifier: createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: issuer.jwks() }),
    events: {
      publish: async (e) => {
        events.push(e);
        for (const w of waiters) if (w.match(e)) w.resolve(e);
      },
    },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    ttl: { defaultSec: 3600, minSec: 1, maxSec: 86400 },
    validateResponses: true,
  });
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<string, string>();
  const token = async (phone: string) => {
    const cached = tokens.get(phone);
    if (cached) return cached;
    const t = await issuer.issueToken({ phoneNumber: phone, scopes: ALL_SCOPES });
    tokens.set(phone, t);
    return t;
  };
  const request: SipLabGateway["request"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await token(opts.phone ?? ALICE)}`,
      ...opts.headers,
    };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    return fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  };
  return {
    lab,
    engine,
    gateway,
    events,
    baseUrl,
    credentialsFile,
    logs,
    records,
    request,
    async register(phone = ALICE, expireTime) {
      const res = await request("POST", "/webrtc-registration/v0.3/sessions", {
        phone,
        body: { deviceId: randomUUID(), ...(expireTime ? { registrationExpireTime: expireTime } : {}) },
      });
      const body = (await res.json()) as { registrationId?: string };
      if ((res.status !== 200 && res.status !== 201) || !body.registrationId)
        throw new Error(`register failed: ${res.status} ${JSON.stringify(body)}`);
      return body.registrationId;
    },
    waitForEvent(match, timeoutMs = 15_000) {
      const found = events.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const entry = {
          match,
          resolve: (e: DomainEvent) => {
            clearTimeout(timer);
            waiters.delete(entry);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(entry);
          reject(
            new Error(
              `no matching event within ${timeoutMs} ms; events: ${JSON.stringify(events.map((e) => [e.type.split(".").pop(), (e.data as { status?: string }).status, (e.data as { reason?: string }).reason]))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(entry);
      });
    },
    statuses(mediaSessionId) {
      return events
        .filter((e) => e.type.endsWith("session-status") && sid(e) === mediaSessionId)
        .map((e) => String((e.data as { status?: string }).status));
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
      await lab.stop();
      if (caDir) rmSync(caDir, { recursive: true, force: true });
    },
  };
}

/** A development CA made for one test run: Kamailio serves its loopback certificate, the gateway trusts it. */
export function testCaTls(dir: string): { lab: LabTlsOptions; trustCaPem: string } {
  const ca = ensureDevCa(join(dir, "ca"));
  return {
    lab: { certPem: ca.serverCertPem, keyPem: ca.serverKeyPem, caFile: ca.caFile },
    trustCaPem: ca.caCertPem,
  };
}
