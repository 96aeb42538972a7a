/**
 * Browser entry of the media integration tests: exposes WebrtcPeer to page.evaluate(), and `g()`,
 * the page's globals typed as {@link PeerPage}, so that test callbacks serialised into the page can
 * call `g().peer...` exactly as they type-check in Node.
 */
import { WebrtcPeer } from "../../demo/webrtc-peer.ts";

export interface PeerPage {
  WebrtcPeer: typeof WebrtcPeer;
  peer: WebrtcPeer;
  g(): PeerPage;
}

const page = globalThis as unknown as PeerPage;
page.WebrtcPeer = WebrtcPeer;
page.g = () => page;
