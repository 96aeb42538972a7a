/**
 * The media direction attributes of RFC 4566 §6 / RFC 3264 §5.1, rewritten without otherwise parsing
 * the SDP (the SIP layer treats SDP as opaque; the media anchor may refine it).
 */
export type MediaDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/;

/** The direction of the first media section (or the session level), sendrecv when absent (RFC 3264 §5.1). */
export function sdpDirection(sdp: string): MediaDirection {
  for (const line of sdp.split("\n")) {
    const match = DIRECTION.exec(line);
    if (match?.[1]) return match[1] as MediaDirection;
  }
  return "sendrecv";
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

/**
 * The o= line of an SDP (RFC 4566 §5.2). RFC 3264 §8: an offer whose origin (and so version) is the
 * same as the previous SDP changes nothing, which is how a session refresh re-INVITE looks.
 */
export function sdpOrigin(sdp: string): string | undefined {
  return /^o=(.*?)\r?$/m.exec(sdp)?.[1];
}
