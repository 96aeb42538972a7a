/**
 * An SDP answer that rejects every stream of `offer`, for a UA that must answer an offer it cannot
 * take. RFC 3261 §13.2.2.4: "If the offer in the 2xx response is not acceptable, the UAC core MUST
 * generate a valid answer in the ACK and then send a BYE immediately." RFC 3264 §6: "For each "m="
 * line in the offer, there MUST be a corresponding "m=" line in the answer", and "An offered stream
 * MAY be rejected in the answer, for any reason. If a stream is rejected, the offerer and answerer
 * MUST NOT generate media (or RTCP packets) for that stream. To reject an offered stream, the port
 * number in the corresponding stream in the answer MUST be set to zero."
 */
export function rejectingAnswer(offer: string): string {
  const lines = ["v=0", `o=- ${Date.now()} 1 IN IP4 0.0.0.0`, "s=-", "c=IN IP4 0.0.0.0", "t=0 0"];
  for (const line of offer.split(/\r?\n/)) {
    if (!line.startsWith("m=")) continue;
    const [media = "audio", , proto = "RTP/AVP", ...formats] = line.slice(2).trim().split(/\s+/);
    lines.push(`m=${media} 0 ${proto} ${formats.length > 0 ? formats.join(" ") : "0"}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}
