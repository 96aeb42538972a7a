import type { EngineListener } from "../engine.ts";
import type { CallLeg, CallLegContext } from "./call/call-leg.ts";
import type { UntrustedPaiPolicy } from "./call/caller-identity.ts";
import type { IncomingInviteHost } from "./call/incoming-invite.ts";
import type { GatewayUserAgent } from "./gateway-user-agent.ts";
import type { SipRegistrations } from "./registration/sip-registrations.ts";
import { phoneFromUri } from "./sip-addresses.ts";
import { trustedPeers } from "./transport/trusted-peers.ts";

/**
 * What an incoming INVITE needs from the SIP engine: the registration it is for (its `rid`, else the
 * latest binding of the number it names) and whether its source is inside the trust domain, by
 * default the outbound proxy and its alternates (RFC 3325 §2.3).
 */
export function incomingInviteHost(
  options: {
    readonly trustedPeers?: readonly string[] | undefined;
    readonly outboundProxy: { readonly host: string };
    readonly outboundProxyAlternates?: ReadonlyArray<{ readonly host: string }> | undefined;
    readonly untrustedPai?: UntrustedPaiPolicy | undefined;
  },
  parts: {
    readonly ctx: CallLegContext;
    readonly legs: Map<string, CallLeg>;
    readonly listener: () => EngineListener;
    readonly registrations: () => SipRegistrations;
    readonly ua: () => GatewayUserAgent;
  },
): IncomingInviteHost {
  const trusted = trustedPeers(
    options.trustedPeers ??
      [options.outboundProxy, ...(options.outboundProxyAlternates ?? [])].map((target) => target.host),
  );
  return {
    ctx: parts.ctx,
    legs: parts.legs,
    listener: parts.listener,
    bindingFor: (message) => {
      const regs = parts.registrations();
      const rid = message.ruri?.getParam("rid");
      return typeof rid === "string"
        ? regs.bindings.get(rid)
        : regs.latestFor(phoneFromUri(message.ruri ?? {}) ?? phoneFromUri(message.to.uri) ?? "");
    },
    contactFor: (id) => parts.ua().contactFor(id),
    fromTrustedPeer: (message) => {
      const source = parts.ua().transport.sourceOf(message.viaBranch);
      if (source === undefined) return false;
      return (
        trusted.includes(source.address) || (source.tlsNames ?? []).some((n) => trusted.includesTlsName(n))
      );
    },
    untrustedPai: options.untrustedPai ?? "strip",
  };
}
