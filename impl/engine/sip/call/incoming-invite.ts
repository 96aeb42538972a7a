import { randomUUID } from "node:crypto";
import type { EngineListener, SessionEvent } from "../../engine.ts";
import { addressFromUri } from "../sip-addresses.ts";
import type { IncomingInviteRequest, IncomingRequestMessage } from "../sip-core.ts";
import { assertedIdentity, type NameAddr } from "./asserted-identity.ts";
import type { CallLeg, CallLegContext } from "./call-leg.ts";
import { callerIdentity, type UntrustedPaiPolicy } from "./caller-identity.ts";
import { IncomingCall } from "./incoming-call.ts";

/** What offering an incoming INVITE to the services needs from the SIP engine. */
export interface IncomingInviteHost {
  readonly ctx: CallLegContext;
  /** The engine's call legs by mediaSessionId. */
  readonly legs: Map<string, CallLeg>;
  listener(): EngineListener;
  /** The registration an INVITE is for, if the gateway holds one. */
  bindingFor(
    message: IncomingRequestMessage,
  ): { readonly registrationId: string; readonly phoneNumber: string } | undefined;
  contactFor(registrationId: string): string;
  /** Whether the INVITE came from a peer inside the trust domain (RFC 3325 §2.3), by its source. */
  fromTrustedPeer(message: IncomingRequestMessage): boolean;
  /** What a P-Asserted-Identity from any other peer gets: ignored (`strip`) or 403 (`refuse`). */
  readonly untrustedPai: UntrustedPaiPolicy;
}

/**
 * An incoming INVITE (CAMARA call termination): refused when no registration takes it (404), it
 * asserts an identity from outside the trust domain and the policy is `refuse` (403, RFC 3325 §9.1)
 * or its Session-Expires is too small (422, RFC 4028 §8); otherwise its offer goes through the media anchor
 * and the services announce the call (session-invitation). Never rejects. When something goes wrong
 * on the way, the caller gets a final response and the client hears nothing of the call:
 * - the anchor refuses the offer or does not answer: 488, or 500/503 with Retry-After (leg-failure.ts);
 * - the caller CANCELs while the offer is anchored: 487 (IncomingCall), no invitation, and the
 *   anchor's call is released again, since the late offer may have re-created it;
 * - the services cannot take the call: 480 (RFC 3261 §21.4.18 Temporarily Unavailable).
 * The leg's session statuses are held back until the invitation is out: a CANCEL that arrives while
 * the services store the session is reported after it, not lost before it.
 */
export async function offerIncomingInvite(
  host: IncomingInviteHost,
  request: IncomingInviteRequest,
): Promise<void> {
  try {
    await offer(host, request);
  } catch (error) {
    host.ctx.logger
      .child({ callId: request.message.callId })
      .error(`incoming INVITE failed: ${String(error)}`);
  }
}

async function offer(host: IncomingInviteHost, request: IncomingInviteRequest): Promise<void> {
  const { ctx } = host;
  const message = request.message;
  const binding = host.bindingFor(message);
  if (!binding) {
    request.reject({ statusCode: 404, reasonPhrase: "No such registration" });
    return;
  }
  const caller = callerIdentity<NameAddr>(
    {
      pai: assertedIdentity(message.getHeaders("p-asserted-identity")),
      privacy: message.getHeaders("privacy"),
      from: message.from as NameAddr,
    },
    host.fromTrustedPeer(message),
    host.untrustedPai,
  );
  if ("refuse" in caller) {
    ctx.logger.child({ callId: message.callId }).warn(`refused INVITE: ${caller.refuse.reasonPhrase}`);
    request.reject(caller.refuse);
    return;
  }
  const timer = IncomingCall.sessionTimer(message, ctx.minSeSec);
  if (timer && "reject" in timer) {
    request.reject({
      statusCode: 422,
      reasonPhrase: "Session Interval Too Small",
      extraHeaders: [`Min-SE: ${timer.minSeSec}`],
    });
    return;
  }
  request.trying();
  const mediaSessionId = randomUUID();
  const held: Array<[SessionEvent, string]> = [];
  let announced = false;
  const legCtx: CallLegContext = {
    ...ctx,
    emit: (event, correlator) =>
      announced ? ctx.emit(event, correlator) : void held.push([event, correlator]),
  };
  const contact = host.contactFor(binding.registrationId);
  // The network's request has no x-correlator: the call gets one here, and its events carry it.
  const correlator = randomUUID();
  const call = new IncomingCall(mediaSessionId, binding.registrationId, request, contact, legCtx, correlator);
  call.log("info", `INVITE received for registration ${binding.registrationId}`);
  host.legs.set(mediaSessionId, call);
  let offerSdp: string | undefined;
  try {
    offerSdp = await call.receiveOffer();
  } catch (error) {
    call.fail("Anchoring the offer in the INVITE", error);
    return;
  }
  if (call.terminated) {
    // CANCELled while the anchor worked (the leg answered 487 and released the call then): the
    // offer may have re-created the anchor's call after that release, and no client ever had it.
    call.releaseMedia();
    return;
  }
  const identity = caller.identity;
  try {
    await host.listener().incomingCall({
      mediaSessionId,
      registrationId: binding.registrationId,
      originatorAddress: addressFromUri(identity.uri),
      originatorName: identity.displayName || undefined,
      receiverAddress: `tel:${binding.phoneNumber}`,
      offerSdp,
      correlator,
    });
  } catch (error) {
    call.log("error", `incoming call could not be offered: ${String(error)}`);
    if (!call.terminated)
      call.guarded("Declining the call the services could not take", () =>
        request.reject({ statusCode: 480 }),
      );
    call.finish("Failed", "the services could not take the call", true);
    return;
  }
  announced = true;
  for (const [event, correlator] of held.splice(0)) ctx.emit(event, correlator);
}
