/**
 * The RFC 3264 offer/answer state of one call leg, as the media anchor must see it: one exchange at
 * a time. "Local" is the gateway's side (the device's SDP through the anchor), "remote" the network.
 *
 * | state              | what is in flight                                               |
 * |--------------------|-----------------------------------------------------------------|
 * | `idle`             | nothing: either side may offer                                  |
 * | `local-offer`      | our offer awaits the network's answer (or is being anchored)     |
 * | `remote-offer`     | the network's offer awaits our answer (`in`: what carried it)    |
 * | `anchoring-answer` | the network's answer to our offer is still in the media anchor  |
 *
 * @see RFC 3264 §4, RFC 3311 §5, RFC 3262 §5
 */
export type OfferAnswerState =
  | { readonly name: "idle" }
  | { readonly name: "local-offer" }
  | { readonly name: "remote-offer"; readonly in: OfferCarrier }
  | { readonly name: "anchoring-answer" };

/** What carried a network offer: the initial INVITE, a response to ours, or a mid-dialog request. */
export type OfferCarrier = "INVITE" | "18x" | "2xx" | "UPDATE" | "re-INVITE";

export type OfferAnswerEvent =
  /** We send an offer (INVITE, 18x, 2xx, UPDATE, re-INVITE, a refresh), from the anchor onwards. */
  | { readonly name: "offer-sent" }
  /** The network answered our offer; the answer goes to the media anchor. */
  | { readonly name: "answer-received" }
  /** The media anchor took (or refused) the network's answer. */
  | { readonly name: "answer-anchored" }
  /** Our offer ends without an answer to anchor: refused, unsendable, or answered unchanged. */
  | { readonly name: "offer-ended" }
  /** The network made an offer we are to answer. */
  | { readonly name: "offer-received"; readonly in: OfferCarrier }
  /** Our answer to the network's offer was sent (or given to the PRACK/ACK that carries it). */
  | { readonly name: "answer-sent" }
  /** The network's offer goes unanswered: we refused it, or its transaction ended. */
  | { readonly name: "offer-dropped" };

export const IDLE: OfferAnswerState = { name: "idle" };

/**
 * The transition table; `undefined` is a transition the protocol does not allow (a bug in the
 * caller, since every caller asks {@link offerRefusal} first).
 */
export function nextOfferAnswerState(
  state: OfferAnswerState,
  event: OfferAnswerEvent,
): OfferAnswerState | undefined {
  switch (event.name) {
    case "offer-sent":
      return state.name === "idle" ? { name: "local-offer" } : undefined;
    case "answer-received":
      return state.name === "local-offer" ? { name: "anchoring-answer" } : undefined;
    case "answer-anchored":
      return state.name === "anchoring-answer" ? IDLE : undefined;
    case "offer-ended":
      return state.name === "local-offer" ? IDLE : undefined;
    case "offer-received":
      return state.name === "idle" ? { name: "remote-offer", in: event.in } : undefined;
    case "answer-sent":
    case "offer-dropped":
      return state.name === "remote-offer" ? IDLE : undefined;
  }
}

/** Why a new offer cannot start now: the SIP response for a network offer, `glare` for the device's. */
export type OfferRefusal = 491 | 500 | "glare";

/**
 * The one glare decision: may `from` start an offer in `state`? `undefined` when it may.
 * - RFC 3264 §4: "it MUST NOT generate a new offer if it has received an offer which it has not yet
 *   answered or rejected", nor before the answer to its own offer.
 * - RFC 3311 §5.2: an UPDATE offer while ours awaits its answer "MUST [be rejected] with a 491";
 *   while we owe an answer, "with a 500 response ... [and] a Retry-After".
 * - RFC 3261 §14.2: a second INVITE "before it sends the final response to a first INVITE" gets 500
 *   with Retry-After; the gateway still taking the last answer is that case (RFC 6337 §4.3).
 */
export function offerRefusal(state: OfferAnswerState, from: "device"): "glare" | undefined;
export function offerRefusal(state: OfferAnswerState, from: "network"): 491 | 500 | undefined;
export function offerRefusal(state: OfferAnswerState, from: "device" | "network"): OfferRefusal | undefined {
  if (state.name === "idle") return undefined;
  if (from === "device") return "glare";
  return state.name === "local-offer" ? 491 : 500;
}

/**
 * How long a device's offer waits for the exchange under way to end before it is refused with
 * `glare`, ms. RFC 3261 §14.1: a UAC "MUST NOT initiate a new INVITE transaction within a dialog while
 * another INVITE transaction is in progress"; waiting for it, rather than refusing at once, spares a
 * client that resumes right after its hold was acknowledged a 409.
 */
export const DEVICE_TURN_WAIT_MS = 5000;

/** A leg's offer/answer state, changed only by named transitions. */
export class OfferAnswer {
  #state: OfferAnswerState = IDLE;
  /** Device offers waiting for the exchange under way to end, first come first served. */
  readonly #waiting: Array<() => void> = [];

  get state(): OfferAnswerState {
    return this.#state;
  }

  is(name: OfferAnswerState["name"]): boolean {
    return this.#state.name === name;
  }

  /** Applies `event`; throws on a transition the table does not allow. */
  apply(event: OfferAnswerEvent): void {
    const next = nextOfferAnswerState(this.#state, event);
    if (!next) throw new Error(`offer/answer: ${event.name} is not allowed in state ${this.#state.name}`);
    this.#state = next;
    // One waiting device offer gets the turn; the others wait for the end of its exchange.
    if (next.name === "idle") this.#waiting.shift()?.();
  }

  /**
   * Waits, at most `withinMs`, until the device may offer: at once when idle, else when the exchange
   * under way ends and the earlier waiters had their turn. Resolves whether the device may offer now;
   * the caller checks {@link refusal} again and starts its offer in the same turn of the event loop.
   */
  async deviceTurn(withinMs: number): Promise<boolean> {
    if (this.refusal("device") === undefined) return true;
    let wake: () => void = () => undefined;
    const woken = new Promise<boolean>((resolve) => {
      wake = () => resolve(true);
    });
    this.#waiting.push(wake);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), withinMs);
    });
    const turn = await Promise.race([woken, timedOut]);
    clearTimeout(timer);
    if (!turn) this.#waiting.splice(this.#waiting.indexOf(wake), 1);
    return turn && this.refusal("device") === undefined;
  }

  /** Why `from` may not offer now, or `undefined` (see {@link offerRefusal}). */
  refusal(from: "device"): "glare" | undefined;
  refusal(from: "network"): 491 | 500 | undefined;
  refusal(from: "device" | "network"): OfferRefusal | undefined {
    return from === "device" ? offerRefusal(this.#state, from) : offerRefusal(this.#state, from);
  }
}
