import { partOf } from "../multipart-body.ts";
import {
  type Body,
  type IncomingRequestMessage,
  type IncomingResponse,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  type Session,
  type SessionDialog,
  UserAgentClient,
  type UserAgentCore,
  UserAgentServer,
} from "../sip-core.ts";

/** An SDP body as sip.js carries it. */
export function sdpBody(sdp: string): Body {
  return { contentDisposition: "session", contentType: "application/sdp", content: sdp };
}

/**
 * The SDP a message carries: its body when that is SDP, or the SDP part of a multipart body
 * (RFC 5621 §4, e.g. beside a PIDF-LO, RFC 6442 §3).
 */
export function sdpOf(message: {
  body?: string;
  getHeader(name: string): string | undefined;
}): string | undefined {
  const type = message.getHeader("content-type") ?? "";
  if (!message.body) return undefined;
  if (/^\s*multipart\//i.test(type)) return partOf(type, message.body, "application/sdp");
  return /application\/sdp/i.test(type) ? message.body : undefined;
}

/** The Reason header value (RFC 3326 §2) of a message, if any. */
export function reasonOf(message: { getHeader(name: string): string | undefined }): string | undefined {
  return message.getHeader("reason");
}

/**
 * Sends UPDATE (RFC 3311) inside an early or confirmed dialog; the sip.js core has no UPDATE, so the
 * request is built by the dialog (route set, CSeq, tags) and run on a non-INVITE client transaction.
 * Resolves with the final response; a 2xx may carry the answer.
 */
export function sendUpdate(
  session: Session,
  options: { body?: Body; extraHeaders: string[] },
): Promise<IncomingResponse["message"]> {
  const dialog = session as SessionDialog;
  const message = dialog.createOutgoingRequestMessage("UPDATE", {
    extraHeaders: options.extraHeaders,
    ...(options.body ? { body: options.body } : {}),
  });
  return new Promise((resolve) => {
    new UserAgentClient(NonInviteClientTransaction, dialog.userAgentCore, message, {
      onAccept: (r) => resolve(r.message),
      onReject: (r) => resolve(r.message),
      onRedirect: (r) => resolve(r.message),
    });
  });
}

/** A server transaction for an incoming UPDATE, answered by the call leg. */
export function updateServer(core: UserAgentCore, message: IncomingRequestMessage): UserAgentServer {
  return new UserAgentServer(NonInviteServerTransaction, core, message);
}

/**
 * Sends a re-INVITE in a confirmed dialog (RFC 3261 §14.1), ACKs a 2xx, and resolves with the final
 * response. Throws at once when sip.js refuses it because another INVITE transaction runs in the
 * dialog ("a UAC MUST NOT initiate a new INVITE transaction within a dialog while another INVITE
 * transaction is in progress in either direction").
 */
export function sendReinvite(
  session: Session,
  options: { body?: Body; extraHeaders: string[] },
): Promise<IncomingResponse["message"]> {
  let resolve: (message: IncomingResponse["message"]) => void = () => undefined;
  const done = new Promise<IncomingResponse["message"]>((r) => {
    resolve = r;
  });
  session.invite(
    {
      onAccept: (r) => {
        r.ack();
        resolve(r.message);
      },
      onReject: (r) => resolve(r.message),
    },
    options,
  );
  return done;
}
