/**
 * Just enough of an outgoing message's text to route it in the transport, without a full parse:
 * whether it is a request, its method, and the top Via's branch and sent-by (RFC 3261 §18.2.2:
 * responses follow the top Via). sip.js hands the gateway's own messages over as text; received
 * messages are parsed once, by sip.js's parser, in NodeTransport.
 */
export interface MessageRouting {
  readonly isRequest: boolean;
  /** Request method, or for a response the method in its CSeq. */
  readonly method: string;
  readonly statusCode: number | undefined;
  readonly branch: string | undefined;
  readonly viaHost: string | undefined;
  readonly viaPort: number | undefined;
  readonly rport: number | undefined;
  readonly received: string | undefined;
}

const VIA = /^(?:via|v)[ \t]*:[ \t]*SIP\/2\.0\/[A-Z]+[ \t]+([^;,\s]+)([^,\r\n]*)/im;
const CSEQ = /^cseq[ \t]*:[ \t]*\d+[ \t]+([A-Za-z]+)/im;

export function messageRouting(raw: string): MessageRouting {
  const firstLineEnd = raw.indexOf("\r\n");
  const first = raw.slice(0, firstLineEnd < 0 ? undefined : firstLineEnd);
  const isRequest = !first.startsWith("SIP/2.0 ");
  const statusCode = isRequest ? undefined : Number(first.slice(8, 11));
  const method = isRequest ? (first.split(" ")[0] ?? "") : (CSEQ.exec(raw)?.[1]?.toUpperCase() ?? "");
  const via = VIA.exec(raw);
  let viaHost: string | undefined;
  let viaPort: number | undefined;
  let branch: string | undefined;
  let rport: number | undefined;
  let received: string | undefined;
  if (via?.[1]) {
    const sentBy = via[1];
    const bracket = sentBy.startsWith("[") ? sentBy.indexOf("]") : -1;
    const colon = bracket >= 0 ? sentBy.indexOf(":", bracket) : sentBy.lastIndexOf(":");
    viaHost = colon >= 0 ? sentBy.slice(0, colon) : sentBy;
    viaPort = colon >= 0 ? Number(sentBy.slice(colon + 1)) : undefined;
    const params = via[2] ?? "";
    branch = /;\s*branch=([^;\s]+)/i.exec(params)?.[1];
    const r = /;\s*rport=(\d+)/i.exec(params)?.[1];
    rport = r ? Number(r) : undefined;
    received = /;\s*received=([^;\s]+)/i.exec(params)?.[1];
  }
  return { isRequest, method, statusCode, branch, viaHost, viaPort, rport, received };
}
