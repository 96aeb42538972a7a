import { randomBytes } from "node:crypto";
import { IncomingRequestMessage, type IncomingResponseMessage } from "./sip-core.ts";

/**
 * The methods the gateway handles, and nothing else: RFC 3261 (INVITE, ACK, CANCEL, BYE, OPTIONS),
 * RFC 3311 UPDATE and RFC 3262 PRACK. REGISTER is one the gateway sends, never serves.
 */
export const SUPPORTED_METHODS = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "UPDATE", "PRACK"] as const;

/** RFC 3261 §20.5: "The Allow header field lists the set of methods supported by the UA generating the message." */
export const ALLOW_HEADER = `Allow: ${SUPPORTED_METHODS.join(", ")}`;

/** The body types the gateway understands (RFC 3261 §20.1), for the Accept of OPTIONS responses. */
export const ACCEPT_HEADER = "Accept: application/sdp";

/**
 * Methods of registered SIP extensions the gateway recognises but does not support: 405 with Allow.
 * Any other method is unknown to it: 501 (RFC 3261 §21.5.2).
 */
const RECOGNISED_UNSUPPORTED = new Set([
  "REGISTER", // RFC 3261
  "INFO", // RFC 6086
  "MESSAGE", // RFC 3428
  "SUBSCRIBE", // RFC 6665
  "NOTIFY", // RFC 6665
  "REFER", // RFC 3515
  "PUBLISH", // RFC 3903
]);

/** RFC 3261 §8.1.1: "A valid SIP request ... MUST, at a minimum, contain the following header fields". */
const MANDATORY = ["To", "From", "CSeq", "Call-ID", "Max-Forwards", "Via"] as const;

/** A final response the gateway sends itself, before sip.js sees the request. */
export interface Refusal {
  readonly statusCode: number;
  readonly reasonPhrase: string;
  readonly extraHeaders: readonly string[];
  /** Whether the request was malformed (the peer's fault, logged at warn) or merely unsupported (debug). */
  readonly malformed: boolean;
}

const refuse = (
  statusCode: number,
  reasonPhrase: string,
  malformed: boolean,
  extraHeaders: string[] = [],
) => ({
  statusCode,
  reasonPhrase,
  extraHeaders,
  malformed,
});

/**
 * What a received message needs before the core may see it: `undefined` when it may go on, a
 * {@link Refusal} to answer with, or `"drop"` when it must be discarded unanswered. Checks in
 * RFC 3261's order: transport (§18.3), then the request's validity (§8.1.1), then the method (§8.2.1).
 * @param datagram whether the message came over a message-oriented transport (UDP, WebSocket).
 */
export function checkIncoming(
  message: IncomingRequestMessage | IncomingResponseMessage,
  raw: string,
  datagram: boolean,
): Refusal | "drop" | undefined {
  const request = message instanceof IncomingRequestMessage;
  if (datagram && bodyShorterThanContentLength(message, raw)) {
    // RFC 3261 §18.3: "If the transport packet ends before the end of the message body, this is
    // considered an error. If the message is a response, it MUST be discarded. If the message is a
    // request, the element SHOULD generate a 400 (Bad Request) response."
    return request ? refuse(400, "Body Shorter Than Content-Length", true) : "drop";
  }
  if (!request) return undefined;
  const missing = MANDATORY.filter((name) => !message.hasHeader(name));
  // RFC 3261 §17.1.1.3 and §18.2.2: responses follow the request's Via; without one none can be sent,
  // and an ACK is never answered (§17.1.1.3).
  if (missing.includes("Via") || message.method === "ACK") return missing.length > 0 ? "drop" : undefined;
  if (missing.length > 0) return refuse(400, `Missing ${missing.join(", ")}`, true);
  // RFC 3261 §8.1.1.5: the CSeq "method MUST match that of the request".
  const cseqMethod = message.getHeader("CSeq")?.trim().split(/\s+/)[1];
  if (cseqMethod !== message.method) return refuse(400, "CSeq Method Does Not Match", true);
  // RFC 3262 §3: a PRACK matching no unacknowledged reliable provisional response gets 481; one
  // outside any dialog (no To tag) cannot match one.
  if (message.method === "PRACK" && !message.toTag)
    return refuse(481, "Call/Transaction Does Not Exist", false);
  if ((SUPPORTED_METHODS as readonly string[]).includes(message.method)) return undefined;
  // RFC 3261 §8.2.1: "If the UAS recognizes but does not support the method of a request, it MUST
  // generate a 405 (Method Not Allowed) response. ... The UAS MUST also add an Allow header field".
  if (RECOGNISED_UNSUPPORTED.has(message.method))
    return refuse(405, "Method Not Allowed", false, [ALLOW_HEADER]);
  // RFC 3261 §21.5.2: 501 "is the appropriate response when a UAS does not recognize the request
  // method and is not capable of supporting it for any user".
  return refuse(501, "Not Implemented", false);
}

/** Whether the body holds fewer octets than Content-Length says (Content-Length counts octets). */
function bodyShorterThanContentLength(
  message: IncomingRequestMessage | IncomingResponseMessage,
  raw: string,
): boolean {
  const declared = message.getHeader("Content-Length");
  if (declared === undefined) return false;
  const separator = raw.indexOf("\r\n\r\n");
  const body = separator < 0 ? "" : raw.slice(separator + 4);
  return Buffer.byteLength(body, "utf8") < Number(declared);
}

/**
 * A stateless response to a request that may lack header fields: copies Via, From, To, Call-ID and
 * CSeq as present (RFC 3261 §8.2.6.2), with a To tag added when the request had none.
 */
export function statelessResponse(request: IncomingRequestMessage, refusal: Refusal, server: string): string {
  const lines = [`SIP/2.0 ${refusal.statusCode} ${refusal.reasonPhrase}`];
  for (const via of request.getHeaders("Via")) lines.push(`Via: ${via}`);
  const copy = (name: string) => {
    const value = request.getHeader(name);
    return value === undefined ? undefined : `${name}: ${value}`;
  };
  const from = copy("From");
  if (from) lines.push(from);
  const to = copy("To");
  if (to) lines.push(request.toTag ? to : `${to};tag=${randomBytes(5).toString("hex")}`);
  for (const name of ["Call-ID", "CSeq"]) {
    const line = copy(name);
    if (line) lines.push(line);
  }
  lines.push(...refusal.extraHeaders, `Server: ${server}`, "Content-Length: 0", "", "");
  return lines.join("\r\n");
}

/**
 * The receive path's hook (gateway-user-agent.ts): answers or drops what {@link checkIncoming}
 * refuses and says whether it did. A peer's malformed message is logged at warn, an unsupported
 * method at debug: any peer can send them, so neither is an error of the gateway's.
 */
export function refuseIncoming(
  message: IncomingRequestMessage | IncomingResponseMessage,
  raw: string,
  transport: "udp" | "tcp" | "tls" | "ws" | "wss",
  sender: { send(raw: string): Promise<void> },
  log: (level: "debug" | "warn", message: string) => void,
  server = "camara-webrtc-gateway",
): boolean {
  const verdict = checkIncoming(
    message,
    raw,
    transport === "udp" || transport === "ws" || transport === "wss",
  );
  if (verdict === undefined) return false;
  const what =
    message instanceof IncomingRequestMessage
      ? `${message.method} ${message.callId ?? "(no Call-ID)"}`
      : `${message.statusCode} response ${message.callId ?? "(no Call-ID)"}`;
  if (verdict === "drop" || !(message instanceof IncomingRequestMessage)) {
    log("warn", `dropped ${what}: malformed`);
    return true;
  }
  log(
    verdict.malformed ? "warn" : "debug",
    `answered ${what} with ${verdict.statusCode} ${verdict.reasonPhrase}`,
  );
  sender
    .send(statelessResponse(message, verdict, server))
    .catch((error: Error) => log("warn", `could not answer ${what}: ${error.message}`));
  return true;
}
