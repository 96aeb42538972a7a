import type { SessionStatus } from "../../engine.ts";

/** The state of one SIP dialog (RFC 3261 §12: "Call-ID, local tag, remote tag, local and remote
 * sequence number, local and remote URI, remote target, route set, secure flag"). */
export interface PersistedSipDialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localSequenceNumber: number | undefined;
  readonly remoteSequenceNumber: number | undefined;
  readonly localUri: string;
  readonly remoteUri: string;
  readonly remoteTarget: string;
  readonly routeSet: readonly string[];
  readonly secure: boolean;
  readonly early: boolean;
}

/**
 * An outgoing INVITE still without a final response: what a CANCEL must repeat (RFC 3261 §9.1:
 * "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the CANCEL
 * request MUST be identical to those in the request being cancelled", and its one Via the INVITE's).
 */
export interface PendingInvite {
  readonly ruri: string;
  readonly fromUri: string;
  readonly fromTag: string;
  readonly toUri: string;
  readonly cseq: number;
  readonly branch: string;
}

/** An incoming INVITE not yet answered with a final response: the request as received, and our To tag. */
export interface UnansweredInvite {
  readonly raw: string;
  readonly toTag: string | undefined;
}

/** What restart recovery needs of a call leg, written on every change (version 1). */
export interface LegState {
  readonly version: 1;
  readonly direction: "originating" | "terminating";
  readonly registrationId: string;
  readonly callId: string;
  readonly correlator: string;
  /** The Contact URI the gateway gave the dialog (its local target). */
  readonly contact: string;
  readonly status: SessionStatus;
  readonly confirmed: boolean;
  readonly dialog: PersistedSipDialog | undefined;
  /** The device's last SDP, the last sent to and received from the network, and the network's o= line. */
  readonly sdp: {
    readonly device: string | undefined;
    readonly local: string | undefined;
    readonly remote: string | undefined;
    readonly networkOrigin: string | undefined;
  };
  readonly peerAllows: readonly string[];
  /** The running session timer (RFC 4028), if any. */
  readonly sessionTimer: { readonly deltaSec: number; readonly weRefresh: boolean } | undefined;
  readonly pendingInvite: PendingInvite | undefined;
  readonly unansweredInvite: UnansweredInvite | undefined;
}

const STATUSES = new Set<string>([
  "Initial",
  "InProgress",
  "Ringing",
  "Proceeding",
  "Connected",
  "Terminated",
  "Hold",
  "Resume",
  "Declined",
  "Busy",
  "Failed",
  "NoAnswer",
  "NotReachable",
  "SessionCancelled",
  "Waiting",
]);

type Json = Readonly<Record<string, unknown>>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === "string";
const optStr = (v: unknown): v is string | undefined => v === undefined || str(v);
const optNum = (v: unknown): v is number | undefined =>
  v === undefined || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0);
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);

function isDialog(v: unknown): v is PersistedSipDialog {
  return (
    isObject(v) &&
    [v.callId, v.localTag, v.remoteTag, v.localUri, v.remoteUri, v.remoteTarget].every(str) &&
    optNum(v.localSequenceNumber) &&
    optNum(v.remoteSequenceNumber) &&
    strings(v.routeSet) &&
    typeof v.secure === "boolean" &&
    typeof v.early === "boolean"
  );
}

function isPendingInvite(v: unknown): v is PendingInvite {
  return (
    isObject(v) &&
    [v.ruri, v.fromUri, v.fromTag, v.toUri, v.branch].every(str) &&
    typeof v.cseq === "number" &&
    Number.isSafeInteger(v.cseq)
  );
}

const isUnansweredInvite = (v: unknown): v is UnansweredInvite =>
  isObject(v) && str(v.raw) && optStr(v.toTag);

const isTimer = (v: unknown): v is LegState["sessionTimer"] =>
  v === undefined ||
  (isObject(v) && typeof v.deltaSec === "number" && v.deltaSec > 0 && typeof v.weRefresh === "boolean");

/**
 * A persisted leg state read back, or undefined when it is not one this version wrote (an older or
 * newer format, a damaged row): such a call cannot be carried on.
 */
export function parseLegState(json: unknown): LegState | undefined {
  if (!isObject(json) || json.version !== 1) return undefined;
  const { sdp } = json;
  const ok =
    (json.direction === "originating" || json.direction === "terminating") &&
    [json.registrationId, json.callId, json.correlator, json.contact].every(str) &&
    str(json.status) &&
    STATUSES.has(json.status) &&
    typeof json.confirmed === "boolean" &&
    (json.dialog === undefined || isDialog(json.dialog)) &&
    isObject(sdp) &&
    [sdp.device, sdp.local, sdp.remote, sdp.networkOrigin].every(optStr) &&
    strings(json.peerAllows) &&
    isTimer(json.sessionTimer) &&
    (json.pendingInvite === undefined || isPendingInvite(json.pendingInvite)) &&
    (json.unansweredInvite === undefined || isUnansweredInvite(json.unansweredInvite));
  return ok ? (json as unknown as LegState) : undefined;
}
