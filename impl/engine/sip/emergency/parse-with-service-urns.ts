import { type IncomingRequestMessage, type IncomingResponseMessage, Parser } from "../sip-core.ts";

type Logger = Parameters<typeof Parser.parseMessage>[1];

import { ServiceUrn } from "./service-urn.ts";

/** A host no URI of the network can name (RFC 6761 §6.4 reserves `.invalid`). */
const STAND_IN = "service-urn.invalid";
/** A From or To header line (RFC 3261 §7.3.3 compact forms f, t) whose name-addr is a service URN. */
const SERVICE_URN_HEADER = /^(to|t|from|f)([ \t]*:[^\r\n<]*)<urn:service:([A-Za-z0-9.-]+)>/gim;

/**
 * Parses a SIP message whose From or To may be a service URN: sip.js's grammar knows SIP URIs
 * only, so the responses to an emergency INVITE (To: <urn:service:sos>, RFC 5031) and the PSAP's
 * requests in that dialog (From: <urn:service:sos>) would be unparsable. Such a URN is parsed as a
 * stand-in SIP URI, then put back: the header's text and its parsed URI (a {@link ServiceUrn}).
 * Any other message goes to the parser as it is.
 */
export function parseWithServiceUrns(
  raw: string,
  logger: Logger,
): IncomingRequestMessage | IncomingResponseMessage | undefined {
  if (!raw.includes("urn:service:")) return Parser.parseMessage(raw, logger);
  const end = raw.indexOf("\r\n\r\n");
  const head = end < 0 ? raw : raw.slice(0, end);
  const text = `${head.replace(SERVICE_URN_HEADER, (_all, name: string, between: string, service: string) => `${name}${between}<sip:${service}@${STAND_IN}>`)}${raw.slice(head.length)}`;
  const message = Parser.parseMessage(text, logger);
  if (message) {
    restore(message, "From", message.from);
    restore(message, "To", message.to);
  }
  return message;
}

function restore(
  message: IncomingRequestMessage | IncomingResponseMessage,
  name: "From" | "To",
  parsed: { uri: { user?: string | undefined; host: string } } | undefined,
): void {
  if (!parsed || parsed.uri.host !== STAND_IN || !parsed.uri.user) return;
  const service = parsed.uri.user;
  (parsed as { uri: unknown }).uri = new ServiceUrn(service);
  const header = (message.headers as Record<string, Array<{ raw: string }> | undefined>)[name]?.[0];
  if (header) header.raw = header.raw.replace(`<sip:${service}@${STAND_IN}>`, `<urn:service:${service}>`);
}
