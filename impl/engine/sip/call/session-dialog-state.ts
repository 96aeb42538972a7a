import { Grammar, type Session, SessionDialog, URI, type UserAgentCore } from "../sip-core.ts";
import type { PersistedSipDialog } from "./dialog-state.ts";

/**
 * Local CSeq numbers skipped by a rebuilt dialog: requests sent after the last write of its state
 * (a session refresh) used some. RFC 3261 §12.2.2: "It is possible for the CSeq sequence number to
 * be higher than the remote sequence number by more than one. This is not an error condition".
 */
export const CSEQ_GAP = 100;

/** The dialog state of a sip.js session (RFC 3261 §12), to persist. */
export function sessionDialogState(session: Session): PersistedSipDialog {
  const dialog = session as SessionDialog;
  return {
    callId: dialog.callId,
    localTag: dialog.localTag,
    remoteTag: dialog.remoteTag,
    localSequenceNumber: dialog.localSequenceNumber,
    remoteSequenceNumber: dialog.remoteSequenceNumber,
    localUri: dialog.localURI.toString(),
    remoteUri: dialog.remoteURI.toString(),
    remoteTarget: dialog.remoteTarget.toString(),
    routeSet: [...dialog.routeSet],
    secure: dialog.secure,
    early: dialog.early,
  };
}

/** Thrown when a persisted dialog names a URI that does not parse. */
export class UnreadableDialogError extends Error {
  override readonly name = "UnreadableDialogError";
}

function uri(text: string, what: string): URI {
  const parsed = Grammar.URIParse(text);
  if (!(parsed instanceof URI)) throw new UnreadableDialogError(`the persisted ${what} is not a SIP URI`);
  return parsed;
}

/**
 * A confirmed dialog of the core rebuilt from its persisted state (a gateway restart): registered
 * with the core, so in-dialog requests (BYE, re-INVITE) reach it, and able to send its own. Its
 * INVITE transaction died with the previous process; sip.js reads the initial transaction only to
 * resend a 2xx or build the ACK of the initial INVITE, both over, so the dialog gets a request
 * without a transaction, and no offer/answer in progress (RFC 3264 §4: the session is stable).
 */
export function rebuildSessionDialog(core: UserAgentCore, persisted: PersistedSipDialog): SessionDialog {
  const localURI = uri(persisted.localUri, "local URI");
  const remoteURI = uri(persisted.remoteUri, "remote URI");
  const remoteTarget = uri(persisted.remoteTarget, "remote target");
  const { callId, localTag, remoteTag } = persisted;
  const initial = core.makeOutgoingRequestMessage("INVITE", remoteTarget, localURI, remoteURI, {
    callId,
    fromTag: localTag,
    toTag: remoteTag,
  });
  return new SessionDialog(
    { request: initial } as unknown as ConstructorParameters<typeof SessionDialog>[0],
    core,
    {
      id: callId + localTag + remoteTag,
      early: false,
      callId,
      localTag,
      remoteTag,
      localSequenceNumber: (persisted.localSequenceNumber ?? 0) + CSEQ_GAP,
      remoteSequenceNumber: persisted.remoteSequenceNumber,
      localURI,
      remoteURI,
      remoteTarget,
      routeSet: [...persisted.routeSet],
      secure: persisted.secure,
    },
  );
}
