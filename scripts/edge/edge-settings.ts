import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { GatewayNodesProbing } from "../lab/gateway-nodes-cfg.ts";

/**
 * The one settings file of the SIP edge (deploy/kamailio/edge.example.json): everything that differs
 * between the lab and an operator's deployment. Paths are relative to the settings file's folder.
 */
export interface EdgeSettings {
  /** SIP domain the registrar serves and the digest realm (RFC 3261 §22.1). */
  readonly domain: string;
  readonly listen: {
    /** IP address every listener binds. */
    readonly address: string;
    /** Public address put in Via and Record-Route when the edge sits behind NAT; default none. */
    readonly advertise?: string;
    /** SIP over UDP and TCP towards trunks and the core (RFC 3261 §18); a port or omitted (off). */
    readonly udpPort?: number;
    readonly tcpPort?: number;
    /** SIP over TLS (RFC 3261 §26.2); a port or omitted (off). */
    readonly tlsPort?: number;
    /** SIP over secure WebSocket for browsers (RFC 7118), e.g. 7443. */
    readonly wssPort: number;
  };
  readonly tls: {
    /** Certificate chain (PEM) served on the tls and wss listeners. */
    readonly certificateFile: string;
    readonly privateKeyFile: string;
    /** CAs (PEM) that TLS trunks' certificates must chain to; without it, outgoing TLS is unverified. */
    readonly caFile?: string;
  };
  /** rtpengine's ng control socket, host:port (UDP). */
  readonly rtpengine: { readonly ng: string };
  /** JSON object number → password; each number registers and places calls with digest auth. */
  readonly subscribers: { readonly file: string };
  /** Source addresses or CIDR blocks (trunks, core, gateway nodes) whose requests need no digest. */
  readonly trustedSources?: readonly string[];
  /**
   * The gateway nodes (dispatcher set 1), probed with OPTIONS; an in-dialog request for a node found
   * dead goes to a live one (scripts/lab/gateway-nodes-cfg.ts). In trunk mode, calls to
   * `numberPrefixes` go to the nodes round robin; in per-number mode (no prefixes) the nodes'
   * API devices register like any subscriber.
   */
  readonly gateway?: {
    /** Default none (per-number mode). */
    readonly numberPrefixes: readonly string[];
    /** Each node's SIP address: the host and port of its Contact (SIP_LOCAL_HOST, SIP_LOCAL_PORT). */
    readonly nodes: readonly string[];
    /** Default {@link DEFAULT_PROBING}. */
    readonly probing: GatewayNodesProbing;
  };
  /** Number prefix → SIP URI of the trunk that serves it; the longest prefix wins. */
  readonly trunks?: ReadonlyArray<{ readonly prefix: string; readonly uri: string }>;
  readonly registrar?: { readonly minExpiresSec?: number; readonly maxExpiresSec?: number };
  /** Origins (scheme://host[:port]) allowed to open the WebSocket; default any (RFC 6455 §10.2). */
  readonly websocket?: { readonly allowedOrigins?: readonly string[] };
  readonly kamailio?: {
    /** Folder the rendered files will be installed in (tls.cfg and dispatcher.list are named from it); default the output folder. */
    readonly configDir?: string;
    /** Folder of the control socket (kamcmd); default /run/kamailio. */
    readonly runDir?: string;
    readonly modulesDir?: string;
    /** Worker processes per transport; default 4. */
    readonly children?: number;
    /** Kamailio's debug level (-3 … 3); default 2 (info). */
    readonly logLevel?: number;
    /** Log to stderr instead of syslog; default false. */
    readonly logStderr?: boolean;
    /** Log every SIP message received and sent, whole (for debugging; never in production); default false. */
    readonly traceMessages?: boolean;
  };
}

/** A settings file that does not describe a usable edge; the message names the field and the fix. */
export class EdgeSettingsError extends Error {
  override readonly name = "EdgeSettingsError";
}

type Json = Record<string, unknown>;

function fail(field: string, want: string): never {
  throw new EdgeSettingsError(`edge settings: ${field} must be ${want}`);
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function str(o: Json, key: string, field: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== "string" || v.trim() === "") fail(field, "a non-empty string");
  if (/["\\\r\n]/.test(v)) fail(field, "free of quotes, backslashes and line breaks");
  return v;
}

function port(o: Json, key: string, field: string, optional = true): number | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535)
    fail(field, "a port number (1-65535)");
  return v;
}

function strings(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string" || s === "" || /["\\\r\n]/.test(s)))
    fail(field, "an array of non-empty strings without quotes or backslashes");
  return v as string[];
}

const IPV4_OR_CIDR = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
const PREFIX = /^\+?[0-9]+$/;
/**
 * A node's address as its Contact names it (user, IP and port): an in-dialog Request-URI is matched
 * against it, and the node answers the edge's OPTIONS pings only for its Contact's user.
 */
const NODE_URI = /^sips?:[^@;:]+@(\d{1,3})(\.\d{1,3}){3}:\d{1,5}(;|$)/;

/** Validates parsed JSON as edge settings, resolving relative paths against `baseDir`. */
export function parseEdgeSettings(raw: unknown, baseDir: string): EdgeSettings {
  if (!isObject(raw)) fail("the file", "a JSON object");
  const path = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const domain = str(raw, "domain", "domain") as string;
  if (!isObject(raw.listen)) fail("listen", "an object");
  const l = raw.listen;
  const address = str(l, "address", "listen.address") as string;
  if (!IPV4_OR_CIDR.test(address) || address.includes("/")) fail("listen.address", "an IPv4 address");
  const advertise = str(l, "advertise", "listen.advertise", true);
  const listen: EdgeSettings["listen"] = {
    address,
    ...(advertise ? { advertise } : {}),
    ...optionalPort(l, "udpPort"),
    ...optionalPort(l, "tcpPort"),
    ...optionalPort(l, "tlsPort"),
    wssPort: port(l, "wssPort", "listen.wssPort", false) as number,
  };
  const used = [listen.tlsPort, listen.wssPort].filter((p) => p !== undefined);
  if (listen.tcpPort !== undefined) used.push(listen.tcpPort);
  if (new Set(used).size !== used.length)
    fail("listen.tcpPort, tlsPort and wssPort", "different ports (udpPort may equal tcpPort)");
  if (!isObject(raw.tls)) fail("tls", "an object with certificateFile and privateKeyFile");
  const caFile = str(raw.tls, "caFile", "tls.caFile", true);
  const tls = {
    certificateFile: path(str(raw.tls, "certificateFile", "tls.certificateFile") as string),
    privateKeyFile: path(str(raw.tls, "privateKeyFile", "tls.privateKeyFile") as string),
    ...(caFile ? { caFile: path(caFile) } : {}),
  };
  if (!isObject(raw.rtpengine)) fail("rtpengine", 'an object such as { "ng": "127.0.0.1:2223" }');
  const ng = str(raw.rtpengine, "ng", "rtpengine.ng") as string;
  if (!/^[^:\s]+:\d{1,5}$/.test(ng)) fail("rtpengine.ng", "host:port of rtpengine's ng listener");
  if (!isObject(raw.subscribers)) fail("subscribers", 'an object such as { "file": "subscribers.json" }');
  const subscribers = { file: path(str(raw.subscribers, "file", "subscribers.file") as string) };
  const trustedSources =
    raw.trustedSources === undefined ? [] : strings(raw.trustedSources, "trustedSources");
  for (const s of trustedSources)
    if (!IPV4_OR_CIDR.test(s)) fail("trustedSources", "IPv4 addresses or CIDR blocks");
  return {
    domain,
    listen,
    tls,
    rtpengine: { ng },
    subscribers,
    trustedSources,
    ...gatewayOf(raw.gateway),
    ...trunksOf(raw.trunks),
    ...(raw.registrar === undefined ? {} : { registrar: registrarOf(raw.registrar) }),
    ...(raw.websocket === undefined ? {} : { websocket: websocketOf(raw.websocket) }),
    ...(raw.kamailio === undefined ? {} : { kamailio: kamailioOf(raw.kamailio, path) }),
  };

  function optionalPort(o: Json, key: string): Record<string, number> {
    const p = port(o, key, `listen.${key}`);
    return p === undefined ? {} : { [key]: p };
  }
}

function gatewayOf(v: unknown): Pick<EdgeSettings, "gateway"> {
  if (v === undefined) return {};
  if (!isObject(v)) fail("gateway", "an object with nodes (and numberPrefixes in trunk mode)");
  const numberPrefixes =
    v.numberPrefixes === undefined ? [] : strings(v.numberPrefixes, "gateway.numberPrefixes");
  const nodes = strings(v.nodes, "gateway.nodes");
  if (numberPrefixes.some((p) => !PREFIX.test(p)))
    fail("gateway.numberPrefixes", "digits with an optional +");
  if (nodes.length === 0 || nodes.some((n) => !NODE_URI.test(n)))
    fail(
      "gateway.nodes",
      "one or more SIP URIs naming each node's Contact user, IPv4 address and port, e.g. sip:gw@192.0.2.21:5060;transport=tcp",
    );
  return { gateway: { numberPrefixes, nodes, probing: probingOf(v.probing) } };
}

/** Default probing of the gateway nodes: a dead node is inactive within 4 s (TCP; UDP adds the 8 s transaction timeout). */
export const DEFAULT_PROBING: GatewayNodesProbing = {
  intervalSec: 2,
  failuresToInactive: 2,
  repliesToActive: 2,
};

function probingOf(v: unknown): GatewayNodesProbing {
  if (v === undefined) return DEFAULT_PROBING;
  if (!isObject(v)) fail("gateway.probing", "an object { intervalSec, failuresToInactive, repliesToActive }");
  const int = (key: keyof GatewayNodesProbing, max: number): number => {
    const n = v[key];
    if (n === undefined) return DEFAULT_PROBING[key];
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > max)
      fail(`gateway.probing.${key}`, `an integer from 1 to ${max}`);
    return n;
  };
  return {
    intervalSec: int("intervalSec", 3600),
    failuresToInactive: int("failuresToInactive", 100),
    repliesToActive: int("repliesToActive", 100),
  };
}

function trunksOf(v: unknown): Pick<EdgeSettings, "trunks"> {
  if (v === undefined) return {};
  if (!Array.isArray(v)) fail("trunks", "an array of { prefix, uri }");
  return {
    trunks: v.map((t, i) => {
      if (!isObject(t)) fail(`trunks[${i}]`, "an object { prefix, uri }");
      const prefix = str(t, "prefix", `trunks[${i}].prefix`) as string;
      const uri = str(t, "uri", `trunks[${i}].uri`) as string;
      if (!PREFIX.test(prefix)) fail(`trunks[${i}].prefix`, "digits with an optional +");
      if (!/^sips?:/.test(uri)) fail(`trunks[${i}].uri`, "a SIP URI");
      return { prefix, uri };
    }),
  };
}

function registrarOf(v: unknown): NonNullable<EdgeSettings["registrar"]> {
  if (!isObject(v)) fail("registrar", "an object");
  const seconds = (key: string) => {
    const s = v[key];
    if (s === undefined) return {};
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1)
      fail(`registrar.${key}`, "a positive integer");
    return { [key]: s };
  };
  return { ...seconds("minExpiresSec"), ...seconds("maxExpiresSec") };
}

function websocketOf(v: unknown): NonNullable<EdgeSettings["websocket"]> {
  if (!isObject(v)) fail("websocket", "an object");
  if (v.allowedOrigins === undefined) return {};
  const allowedOrigins = strings(v.allowedOrigins, "websocket.allowedOrigins");
  if (allowedOrigins.some((o) => !/^https?:\/\/[^/\s]+$/.test(o)))
    fail("websocket.allowedOrigins", "origins such as https://app.example.net (scheme, host, optional port)");
  return { allowedOrigins };
}

function kamailioOf(v: unknown, path: (p: string) => string): NonNullable<EdgeSettings["kamailio"]> {
  if (!isObject(v)) fail("kamailio", "an object");
  const dir = (key: string) => {
    const s = str(v, key, `kamailio.${key}`, true);
    return s === undefined ? {} : { [key]: path(s) };
  };
  const children = v.children;
  if (children !== undefined && (typeof children !== "number" || !Number.isInteger(children) || children < 1))
    fail("kamailio.children", "a positive integer");
  const logLevel = v.logLevel;
  if (logLevel !== undefined && (typeof logLevel !== "number" || !Number.isInteger(logLevel)))
    fail("kamailio.logLevel", "an integer from -3 to 3");
  if (v.logStderr !== undefined && typeof v.logStderr !== "boolean")
    fail("kamailio.logStderr", "true or false");
  if (v.traceMessages !== undefined && typeof v.traceMessages !== "boolean")
    fail("kamailio.traceMessages", "true or false");
  return {
    ...dir("configDir"),
    ...dir("runDir"),
    ...dir("modulesDir"),
    ...(children === undefined ? {} : { children }),
    ...(logLevel === undefined ? {} : { logLevel }),
    ...(v.logStderr === undefined ? {} : { logStderr: v.logStderr }),
    ...(v.traceMessages === undefined ? {} : { traceMessages: v.traceMessages }),
  };
}

/** Reads and validates a settings file. */
export function readEdgeSettings(file: string): EdgeSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new EdgeSettingsError(`edge settings: cannot read ${file} as JSON (${(error as Error).message})`);
  }
  return parseEdgeSettings(raw, dirname(resolve(file)));
}

/** Reads the subscribers file: a JSON object number → password. */
export function readSubscribers(file: string): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new EdgeSettingsError(
      `edge settings: cannot read subscribers.file ${file} (${(error as Error).message})`,
    );
  }
  if (!isObject(raw)) fail("subscribers.file", "a JSON object number → password");
  const out = new Map<string, string>();
  for (const [number, password] of Object.entries(raw)) {
    if (!/^[A-Za-z0-9+._-]+$/.test(number))
      fail(`subscriber "${number}"`, "a SIP user part (letters, digits, + . _ -)");
    if (typeof password !== "string" || password === "")
      fail(`subscriber ${number}'s password`, "a non-empty string");
    out.set(number, password);
  }
  return out;
}
