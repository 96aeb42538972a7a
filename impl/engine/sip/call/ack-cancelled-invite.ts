import type {
  IncomingResponseMessage,
  OutgoingRequestMessage,
  UserAgentClient,
  UserAgentCore,
} from "../sip-core.ts";

/** Timer D, RFC 3261 §17.1.1.2: "at least 32 seconds for unreliable transports" (sip.js sets 0). */
const TIMER_D_MS = 32_000;

/**
 * Stands in for the INVITE client transaction that died with the previous process, so that the
 * final response to an INVITE the restarted gateway CANCELled is ACKed (RFC 3261 §17.1.1.2): "the
 * client transaction MUST generate an ACK request, even if the transport is reliable", and "any
 * retransmissions of the final response that are received while in the 'Completed' state MUST cause
 * the ACK to be re-passed to the transport layer". The ACK is built from the CANCEL, which carries
 * the INVITE's Request-URI, Route, Via (same branch), From, Call-ID and CSeq number (§9.1); §17.1.1.3:
 * "The To header field in the ACK MUST equal the To header field in the response being acknowledged".
 * The core matches a response to `branch + method` (§17.1.3), so this registers under the INVITE's key
 * for Timer D (32 s) and then is forgotten.
 *
 * A 2xx (the callee answered as the CANCEL crossed it) is not ACKed here: it needs a dialog; it is
 * logged, and the callee's own timers end its side (RFC 3261 §13.3.1.4: no ACK → it sends BYE).
 */
export function ackCancelledInvite(
  core: UserAgentCore,
  cancel: OutgoingRequestMessage,
  log: { warn(message: string): void },
): void {
  const key = `${cancel.branch}INVITE`;
  const forget = () => {
    if (core.userAgentClients.get(key) === standIn) core.userAgentClients.delete(key);
  };
  const standIn = {
    transaction: {
      receiveResponse(response: IncomingResponseMessage) {
        const code = response.statusCode ?? 0;
        if (code < 200) return;
        if (code < 300) {
          log.warn(`${code} to the INVITE cancelled after the restart: not ACKed (no dialog)`);
          return;
        }
        void core.transport.send(ackFor(cancel, response)).catch((error: unknown) => {
          log.warn(`ACK to ${code} not sent: ${(error as Error).message}`);
        });
      },
    },
    dispose: forget,
  };
  core.userAgentClients.set(key, standIn as unknown as UserAgentClient);
  setTimeout(forget, TIMER_D_MS).unref();
}

/** RFC 3261 §17.1.1.3: the ACK of a non-2xx final response, from the CANCEL that shares the INVITE's fields. */
export function ackFor(cancel: OutgoingRequestMessage, response: IncomingResponseMessage): string {
  const route = cancel.getHeaders("route");
  return [
    `ACK ${cancel.ruri.toRaw()} SIP/2.0`,
    ...route.map((r) => `Route: ${r}`),
    `Via: ${cancel.getHeader("via")}`,
    `To: ${response.getHeader("to")}`,
    `From: ${cancel.getHeader("from")}`,
    `Call-ID: ${cancel.callId}`,
    `CSeq: ${cancel.cseq} ACK`,
    "Max-Forwards: 70",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}
