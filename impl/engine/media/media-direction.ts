/** RFC 3264 §5.1 media directions. */
export type MediaDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)$/;

/**
 * The direction an SDP declares for its media: the first media section's attribute, else the
 * session-level one, else sendrecv ("If none of the attributes ... is present, sendrecv SHOULD be
 * assumed", RFC 8866 §6.7). A connection address of 0.0.0.0 is the legacy way to hold (RFC 3264
 * §8.4, RFC 2543) and counts as sendonly.
 */
export function mediaDirection(sdp: string): MediaDirection {
  let session: MediaDirection | undefined;
  let media: MediaDirection | undefined;
  let inMedia = false;
  let seenMedia = 0;
  let zeroAddress = false;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith("m=")) {
      seenMedia += 1;
      inMedia = true;
      if (seenMedia > 1) break;
      continue;
    }
    if (line === "c=IN IP4 0.0.0.0") zeroAddress = true;
    const match = DIRECTION.exec(line);
    if (!match) continue;
    if (inMedia) media = match[1] as MediaDirection;
    else session = match[1] as MediaDirection;
  }
  const declared = media ?? session ?? "sendrecv";
  return zeroAddress && declared === "sendrecv" ? "sendonly" : declared;
}

/** Whether a side with direction `mine` may send to a side with direction `theirs`. */
export function maySend(mine: MediaDirection, theirs: MediaDirection): boolean {
  return (mine === "sendrecv" || mine === "sendonly") && (theirs === "sendrecv" || theirs === "recvonly");
}
