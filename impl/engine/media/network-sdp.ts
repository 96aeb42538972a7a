/**
 * Attributes that only make sense between WebRTC endpoints and that rtpengine passes through from
 * the browser's SDP: RTP header extensions (RFC 8285), media stream ids (RFC 8830), RTCP feedback
 * and reduced-size RTCP, which RFC 4585 §4.2 and RFC 5506 tie to the AVPF profile the SIP side
 * does not use. They are removed from SDP going to the SIP network, where plain endpoints may choke
 * on them; a=ssrc and a=mid are kept (harmless and useful for debugging).
 */
const WEBRTC_ONLY =
  /^a=(extmap|extmap-allow-mixed|msid|msid-semantic|rtcp-fb|rtcp-rsize|rtcp-xr|ssrc-group|ice-options)(:|$)/;

/** Removes WebRTC-only attributes from an SDP bound for the SIP network (line endings kept). */
export function stripWebrtcAttributes(sdp: string): string {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  return sdp
    .split(/\r?\n/)
    .filter((line) => !WEBRTC_ONLY.test(line))
    .join(eol);
}
