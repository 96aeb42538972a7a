import { type IncomingRequestMessage, UserAgentCore } from "./sip-core.ts";
import { ACCEPT_HEADER, ALLOW_HEADER } from "./sip-request-checks.ts";

type ReplyOptions = Parameters<UserAgentCore["replyStateless"]>[1];
const ALLOW = /^allow\s*:/i;
const ACCEPT = /^accept\s*:/i;

/**
 * sip.js's core with the gateway's capabilities in its stateless replies. The core lists its own
 * AllowedMethods (REFER, SUBSCRIBE, MESSAGE… which the gateway refuses, without UPDATE, which it
 * handles) in the Allow of OPTIONS responses and its own body types in Accept; here both name what
 * the gateway really handles (sip-request-checks.ts), and a 405 always carries Allow.
 */
export class GatewayUserAgentCore extends UserAgentCore {
  override replyStateless(message: IncomingRequestMessage, options: ReplyOptions) {
    const extraHeaders = (options.extraHeaders ?? []).map((header) =>
      ALLOW.test(header) ? ALLOW_HEADER : ACCEPT.test(header) ? ACCEPT_HEADER : header,
    );
    // RFC 3261 §8.2.1: "The UAS MUST also add an Allow header field to the 405 (Method Not Allowed) response."
    if (options.statusCode === 405 && !extraHeaders.some((header) => ALLOW.test(header)))
      extraHeaders.push(ALLOW_HEADER);
    return super.replyStateless(message, { ...options, extraHeaders });
  }
}
