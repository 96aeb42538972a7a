import sdpTransform from "sdp-transform";

/**
 * Whether `next`, a new offer from a WebRTC endpoint, is an ICE restart that leaves the negotiated
 * media alone, so that a media anchor can renegotiate the WebRTC side by itself.
 *
 * RFC 8839 §4.4.1.1.1: "If the ICE restart is triggered, the agent MUST change the ice-pwd and
 * ice-ufrag for a data stream in an offer." So at least one section's credentials (its own or the
 * session's) differ from `previous`, the endpoint's last SDP (offer or answer). What must not change:
 * the media sections (count, kind, mid, rejected or not), their directions, and the codecs: every
 * codec `previous` had in a section is still offered there (a re-offer after an answer lists the
 * endpoint's full set again, which is no change for the far end). Candidates, fingerprints, setup
 * roles, ports and the origin may change: they belong to the endpoint's side of the anchor.
 */
export function isIceRestartOnly(previous: string, next: string): boolean {
  const before = parse(previous);
  const after = parse(next);
  if (!before || !after || before.media.length !== after.media.length) return false;
  let credentialsChanged = false;
  for (const [i, was] of before.media.entries()) {
    const now = after.media[i];
    if (!now || now.type !== was.type || String(now.mid) !== String(was.mid)) return false;
    if ((now.port === 0) !== (was.port === 0)) return false;
    if (direction(now, after) !== direction(was, before)) return false;
    const offered = new Set(codecs(now));
    if (!codecs(was).every((c) => offered.has(c))) return false;
    if (was.port !== 0 && credentials(was, before) !== credentials(now, after)) credentialsChanged = true;
  }
  return credentialsChanged;
}

type Session = ReturnType<typeof sdpTransform.parse>;
type Media = Session["media"][number];

function parse(sdp: string): Session | undefined {
  try {
    const session = sdpTransform.parse(sdp);
    return session.media.length > 0 ? session : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 8866 §6.7: a media-level direction overrides the session's; sendrecv when neither says. */
const direction = (media: Media, session: Session) => media.direction ?? session.direction ?? "sendrecv";

/** RFC 8839 §5.4: ice-ufrag and ice-pwd at media level, else at session level. */
const credentials = (media: Media, session: Session) =>
  `${media.iceUfrag ?? session.iceUfrag ?? ""}:${media.icePwd ?? session.icePwd ?? ""}`;

/** A section's codecs by encoding name, clock rate and channels (payload numbers may differ). */
const codecs = (media: Media) =>
  media.rtp.map((r) => `${r.codec.toLowerCase()}/${r.rate ?? ""}/${r.encoding ?? 1}`);
