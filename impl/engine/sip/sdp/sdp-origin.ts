/**
 * The o= line of an SDP (RFC 4566 §5.2). RFC 3264 §8: an offer whose origin (and so version) is the
 * same as the previous SDP changes nothing, which is how a session refresh re-INVITE looks.
 */
export function sdpOrigin(sdp: string): string | undefined {
  return /^o=(.*?)\r?$/m.exec(sdp)?.[1];
}
