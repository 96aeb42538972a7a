import { EngineError } from "../../engine-error.ts";
import type { MediaLeg } from "../../media-anchor.ts";
import { validateSdp } from "../../sdp-validate.ts";
import type { MediaPolicy } from "../media-policy.ts";
import type { JanusCall } from "./janus-call.ts";
import type { JanusMessage, LazyJanusConnection } from "./janus-connection.ts";
import { janusEngineError } from "./janus-engine-error.ts";
import { type NosipRequest, nosipRequest, type SdpExchange } from "./nosip-request.ts";
import { sendNosipMessage } from "./send-nosip-message.ts";

/** What one exchange needs of the Janus anchor (janus-anchor.ts). */
export interface JanusExchangeParts {
  readonly api: LazyJanusConnection;
  readonly policy: MediaPolicy;
  /** The anchor's calls by media session id. */
  readonly calls: Map<string, JanusCall>;
  /** SIP Call-ID → media session id. */
  readonly bySipCallId: Map<string, string>;
  /** Settles once the start-up reclaim has claimed the sessions of the calls carried on. */
  claimed(): Promise<unknown>;
  open(mediaSessionId: string): JanusCall;
  destroy(call: JanusCall, id: string, unknownIsFine?: boolean): Promise<void>;
}

/**
 * One SDP exchange of a call through NoSIP (see createJanusAnchor): the call's Janus session is
 * opened by its first offer (or is the one claimed after a restart); a first offer Janus refused
 * leaves nothing behind, and a call deleted while the exchange was under way is destroyed after it.
 */
export async function janusExchange(
  parts: JanusExchangeParts,
  exchange: SdpExchange,
  leg: MediaLeg,
  sdp: string,
): Promise<string> {
  const { api, policy, calls, bySipCallId, open, destroy } = parts;
  validateSdp(sdp);
  if (leg.callId && leg.callId !== leg.mediaSessionId) bySipCallId.set(leg.callId, leg.mediaSessionId);
  const request: NosipRequest = nosipRequest(exchange, leg.from, sdp, policy);
  const id = leg.mediaSessionId;
  let call = calls.get(id);
  if (!call) {
    // A carried-on call's first exchange after a restart uses its claimed session.
    await parts.claimed();
    call = calls.get(id);
  }
  if (!call) {
    if (exchange === "answer")
      throw new EngineError("unknown_session", `media anchor answer: Janus holds no call ${id}`);
    call = open(id);
    calls.set(id, call);
  }
  call.inFlight += 1;
  let reply: JanusMessage | undefined;
  let failure: unknown;
  try {
    ({ reply, failure } = await sendNosipMessage(api, await call.ready, request));
  } catch (error) {
    failure = error;
  } finally {
    call.inFlight -= 1;
  }
  if (call.released) {
    if (call.inFlight === 0 && calls.get(id) === call) calls.delete(id);
    await destroy(call, id, true);
  }
  if (failure !== undefined || !reply) {
    // A first offer Janus refused anchored nothing worth keeping.
    if (!call.anchored && call.inFlight === 0 && calls.get(id) === call) {
      calls.delete(id);
      await destroy(call, id, true);
    }
    throw janusEngineError(failure, exchange);
  }
  call.anchored = true;
  const out = request.read(reply);
  if (out === undefined) throw janusEngineError(new Error("Janus returned no SDP"), exchange);
  return out;
}
