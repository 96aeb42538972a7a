/**
 * The media direction attributes of RFC 3264 §5.1 / RFC 8866 §6.7: the one reader of an SDP's
 * direction for the SIP engine and the media anchor, and the rewriting the SIP engine does for hold.
 */
export type MediaDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)$/;

/**
 * The direction an SDP declares for its first media section: the section's attribute, else the
 * session-level one, else sendrecv (RFC 8866 §6.7: "If none of the attributes ... is present,
 * sendrecv SHOULD be assumed"; a media-level attribute overrides the session-level one). RFC 3264
 * §8.4: a connection address of 0.0.0.0 is the RFC 2543 way to hold, read as sendonly.
 */
export function sdpDirection(sdp: string): MediaDirection {
  let session: MediaDirection | undefined;
  let media: MediaDirection | undefined;
  let seenMedia = 0;
  let zeroAddress = false;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith("m=")) {
      seenMedia += 1;
      if (seenMedia > 1) break;
      continue;
    }
    if (line === "c=IN IP4 0.0.0.0") zeroAddress = true;
    const match = DIRECTION.exec(line);
    if (!match) continue;
    if (seenMedia > 0) media = match[1] as MediaDirection;
    else session = match[1] as MediaDirection;
  }
  const declared = media ?? session ?? "sendrecv";
  return zeroAddress && declared === "sendrecv" ? "sendonly" : declared;
}

/** Whether a side with direction `mine` may send to a side with direction `theirs`. */
export function maySend(mine: MediaDirection, theirs: MediaDirection): boolean {
  return (mine === "sendrecv" || mine === "sendonly") && (theirs === "sendrecv" || theirs === "recvonly");
}

/**
 * Sets one direction on every media section: replaces existing direction lines and adds one to
 * sections that have none. RFC 3264 §8.4: "If a stream is to be placed on hold, the offerer ... will
 * mark the stream as sendonly if it was sendrecv, or inactive if it was recvonly".
 */
export function withDirection(sdp: string, direction: MediaDirection): string {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const lines = sdp.split(/\r?\n/);
  const trailing = lines.at(-1) === "" ? lines.pop() : undefined;
  const out: string[] = [];
  let inMedia = false;
  let mediaHasDirection = false;
  const closeMedia = () => {
    if (inMedia && !mediaHasDirection) out.push(`a=${direction}`);
  };
  for (const line of lines) {
    if (line.startsWith("m=")) {
      closeMedia();
      inMedia = true;
      mediaHasDirection = false;
      out.push(line);
      continue;
    }
    if (DIRECTION.test(line)) {
      if (inMedia) {
        mediaHasDirection = true;
        out.push(`a=${direction}`);
      }
      // A session-level direction is dropped: each media section now carries its own.
      continue;
    }
    out.push(line);
  }
  closeMedia();
  if (trailing !== undefined) out.push(trailing);
  return out.join(eol);
}

/** The direction to offer for hold, given the current one (RFC 3264 §8.4). */
export function holdDirection(current: MediaDirection): MediaDirection {
  return current === "recvonly" || current === "inactive" ? "inactive" : "sendonly";
}

/**
 * The direction to answer with (RFC 3264 §6.1), given the offered one and the direction the answerer
 * wants for itself (default sendrecv): the answerer sends only if the offerer receives and it wants to
 * send, and receives only if the offerer sends and it wants to receive. "If a stream is offered as
 * sendonly, the corresponding stream MUST be marked as recvonly or inactive in the answer."
 */
export function answerDirection(
  offered: MediaDirection,
  wanted: MediaDirection = "sendrecv",
): MediaDirection {
  const sends = (d: MediaDirection) => d === "sendrecv" || d === "sendonly";
  const receives = (d: MediaDirection) => d === "sendrecv" || d === "recvonly";
  const send = receives(offered) && sends(wanted);
  const receive = sends(offered) && receives(wanted);
  return send ? (receive ? "sendrecv" : "sendonly") : receive ? "recvonly" : "inactive";
}
