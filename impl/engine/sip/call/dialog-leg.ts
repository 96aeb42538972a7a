import type { SessionStatus } from "../../engine.ts";
import type { MediaAnchor } from "../../media-anchor.ts";
import type { SessionRefresher } from "../session-timer/session-refresher.ts";
import type { Session } from "../sip-core.ts";
import type { LegSdp } from "./leg-sdp.ts";
import type { OfferAnswer } from "./offer-answer.ts";

/** RFC 3261 §20.5: the methods the gateway supports, in every dialog-creating request and its 2xx. */
export const ALLOW = "Allow: INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, OPTIONS";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** What the in-dialog collaborators need of the engine. */
export interface DialogContext {
  readonly anchor: MediaAnchor;
  /** Min-SE we accept and ask for, seconds (RFC 4028). */
  readonly minSeSec: number;
  /** How long a device offer waits for the exchange under way (default DEVICE_TURN_WAIT_MS), ms. */
  readonly deviceTurnWaitMs?: number;
}

/**
 * What the in-dialog collaborators of a call leg may see of it; each takes the part it uses (a
 * `Pick` of this). CallLeg implements it; every field is read-only here and changes through the
 * leg's own steps, its {@link OfferAnswer} transitions and its {@link LegSdp} steps.
 */
export interface DialogLeg {
  readonly callId: string;
  /** How the media anchor names this leg. */
  readonly ids: { readonly mediaSessionId: string; readonly callId: string; readonly correlator: string };
  readonly ctx: DialogContext;
  readonly session: Session | undefined;
  readonly confirmed: boolean;
  readonly terminated: boolean;
  readonly status: SessionStatus;
  readonly offerAnswer: OfferAnswer;
  readonly timer: SessionRefresher;
  /** Methods the peer listed in its Allow header (RFC 3261 §20.5). */
  readonly peerAllows: ReadonlySet<string>;
  /** The SDP on each side of the media anchor, changed by its named steps only. */
  readonly sdp: LegSdp;
  contactHeader(): string;
  /** A line of the leg's logger, bound to its correlator, mediaSessionId and Call-ID. */
  log(level: LogLevel, message: string): void;
  notePeer(message: { getHeaders(name: string): string[] }): void;
  /** Reports a status to the client (and records it). */
  emit(status: SessionStatus, reason: string, sdp?: { offerSdp?: string; answerSdp?: string }): void;
  /** Records the status the device asked for, before the network confirms it. */
  assumeStatus(status: SessionStatus): void;
  settle(what: string, work: Promise<unknown>): void;
  /** The network's answer to our offer, through the media anchor (see {@link OfferAnswer}). */
  acceptAnswer(sdp: string): Promise<string>;
  /** The network's offer, through the media anchor, for the device to answer. */
  acceptOffer(sdp: string): Promise<string>;
  releaseMedia(): void;
  endWithBye(reason: string, description: string): void;
}
