import type { LegState } from "../call/dialog-state.ts";

/** A persisted answered outgoing call (dialog-state.ts), as recovery tests start from. */
export const CONFIRMED: LegState = {
  version: 1,
  direction: "originating",
  registrationId: "reg-1",
  callId: "call-1@127.0.0.1",
  correlator: "corr-1",
  contact: "sip:gw@127.0.0.1:5070;transport=tcp;rid=reg-1",
  status: "Connected",
  confirmed: true,
  dialog: {
    callId: "call-1@127.0.0.1",
    localTag: "local",
    remoteTag: "remote",
    localSequenceNumber: 6,
    remoteSequenceNumber: 3,
    localUri: "sip:+34600000001@lab.invalid",
    remoteUri: "sip:+34911000801@lab.invalid",
    remoteTarget: "sip:remote@127.0.0.1:5099;transport=tcp",
    routeSet: ["<sip:127.0.0.1:5060;transport=tcp;lr>"],
    secure: false,
    early: false,
  },
  sdp: {
    device: "v=0 device",
    local: "v=0 local",
    remote: "v=0 remote",
    networkOrigin: "remote 1 1 IN IP4 127.0.0.1",
  },
  peerAllows: ["INVITE", "UPDATE"],
  sessionTimer: { deltaSec: 1800, weRefresh: true },
  pendingInvite: undefined,
  unansweredInvite: undefined,
};
