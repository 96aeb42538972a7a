import { trustedPeers } from "./trusted-peers.ts";

/** The SIP trust domain (RFC 3325 §2.3) from SIP_TRUSTED_PEERS and SIP_UNTRUSTED_PAI. */
export interface SipTrustConfig {
  /**
   * SIP_TRUSTED_PEERS: source addresses, CIDR subnets and `tls:<name>` (a TLS peer whose verified
   * certificate names it) whose P-Asserted-Identity and Privacy are honoured; undefined = the
   * outbound proxy's address(es), found at start.
   */
  readonly trustedPeers: readonly string[] | undefined;
  /** SIP_UNTRUSTED_PAI: `strip` (default; From names the caller) or `refuse` (403). */
  readonly untrustedPai: "strip" | "refuse";
}

/** Reads the trust domain's variables; every problem is pushed onto `problems`, naming the variable. */
export function readSipTrustConfig(env: NodeJS.ProcessEnv, problems: string[]): SipTrustConfig {
  const raw = env.SIP_TRUSTED_PEERS?.trim();
  const entries = raw
    ? raw
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean)
    : undefined;
  try {
    if (entries) trustedPeers(entries);
  } catch (error) {
    problems.push(
      `SIP_TRUSTED_PEERS: ${(error as Error).message} (comma-separated, e.g. 10.0.0.5,10.1.0.0/16,tls:edge.example.net).`,
    );
  }
  const untrustedPai = env.SIP_UNTRUSTED_PAI || "strip";
  if (untrustedPai !== "strip" && untrustedPai !== "refuse")
    problems.push(`SIP_UNTRUSTED_PAI=${untrustedPai} must be strip or refuse.`);
  return { trustedPeers: entries, untrustedPai: untrustedPai === "refuse" ? "refuse" : "strip" };
}
