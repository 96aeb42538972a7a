import { sdpOrigin } from "../sdp/sdp-origin.ts";

/** The SDP a call leg holds on each side of the media anchor. */
export interface SdpSides {
  /** The device's last SDP as the device gave it (before the media anchor): the base for hold and answers. */
  readonly device: string | undefined;
  /** The SDP last sent to the network (after the media anchor). */
  readonly local: string | undefined;
  /** The network's last SDP after the media anchor: what the device was given. */
  readonly remote: string | undefined;
  /** The network's last SDP as the network sent it: what an ICE restart is answered with. */
  readonly network: string | undefined;
  /** RFC 3264 §8: "If the version in the origin line does not increment, the SDP MUST be identical". */
  readonly networkOrigin: string | undefined;
}

const NONE: SdpSides = {
  device: undefined,
  local: undefined,
  remote: undefined,
  network: undefined,
  networkOrigin: undefined,
};

/** A leg's SDP, changed only by the named steps below; {@link sides} is a value that never changes. */
export class LegSdp implements SdpSides {
  #sides: SdpSides;

  constructor(initial: Partial<SdpSides> = {}) {
    this.#sides = { ...NONE, ...initial };
  }

  get sides(): SdpSides {
    return this.#sides;
  }
  get device(): string | undefined {
    return this.#sides.device;
  }
  get local(): string | undefined {
    return this.#sides.local;
  }
  get remote(): string | undefined {
    return this.#sides.remote;
  }
  get network(): string | undefined {
    return this.#sides.network;
  }
  get networkOrigin(): string | undefined {
    return this.#sides.networkOrigin;
  }

  /** The device gave an SDP (an offer or answer on its way, an ICE restart), or it is put back. */
  deviceGave(device: string | undefined): void {
    this.#sides = { ...this.#sides, device };
  }

  /** An SDP went (or goes) to the network: the media anchor's side of the device's. */
  sent(local: string): void {
    this.#sides = { ...this.#sides, local };
  }

  /** The network sent an SDP: its o= line counts from now, before the media anchor has it. */
  networkSent(network: string): void {
    this.#sides = { ...this.#sides, networkOrigin: sdpOrigin(network) };
  }

  /** The media anchor took the network's SDP and gave `remote` for the device. */
  networkAnchored(network: string, remote: string): void {
    this.#sides = { ...this.#sides, network, remote };
  }

  /**
   * Puts sides back (a refused offer, RFC 3261 §14.2: "the session parameters MUST remain
   * unchanged"), or sets them at once (restart recovery).
   */
  restore(sides: Partial<SdpSides>): void {
    this.#sides = { ...this.#sides, ...sides };
  }
}
