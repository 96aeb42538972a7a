import { AllowedMethods, type IncomingRequestMessage, UserAgentCore } from "./sip-core.ts";
import { ACCEPT_HEADER, ALLOW_HEADER, SUPPORTED_METHODS } from "./sip-request-checks.ts";

// sip.js also writes its module-wide AllowedMethods into the Allow of every 2xx to an INVITE
// (invite-user-agent-server.js, "FIXME: This should not be hard coded"), beside the call leg's own:
// two Allow fields whose union would advertise REFER, SUBSCRIBE, MESSAGE… The list is made the
// gateway's here, once, for the one core the process runs (RFC 3261 §13.3.1.4: the 2xx "SHOULD
// contain the Allow header field").
AllowedMethods.splice(0, AllowedMethods.length, ...SUPPORTED_METHODS);

type ReplyOptions = Parameters<UserAgentCore["replyStateless"]>[1];
const ALLOW = /^allow\s*:/i;
const ACCEPT = /^accept\s*:/i;

/**
 * sip.js's core with the gateway's capabilities in its stateless replies: the Allow and Accept of
 * OPTIONS responses name what the gateway really handles (sip-request-checks.ts), not sip.js's
 * defaults (REFER, SUBSCRIBE, MESSAGE…, no UPDATE; application/dtmf-relay), and a 405 always carries
 * Allow.
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
