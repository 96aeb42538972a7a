import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp, type SippRun } from "../../../../scripts/lab/sipp.ts";
import type { DomainEvent } from "../../../services/event-publisher.ts";
import type { SipLabGateway } from "./sip-lab-gateway.ts";

/** Starts a SIPp callee for `number` (routed to it by the lab) and waits until it listens. */
export async function sippCallee(
  gw: SipLabGateway,
  number: string,
  scenario: string,
  template?: Record<string, string | number>,
): Promise<SippRun> {
  const port = await freePort();
  await gw.lab.setPeer(number, `sip:127.0.0.1:${port};transport=tcp`);
  const sipp = runSipp({
    scenario,
    remote: `127.0.0.1:${gw.lab.sipPort}`,
    transport: "tcp",
    localPort: port,
    ...(template ? { template } : {}),
    timeoutMs: 30_000,
  });
  await sipp.ready;
  return sipp;
}

/** Asserts SIPp passed, with its trace in the message when it did not. */
export async function sippPassed(sipp: SippRun): Promise<void> {
  const r = await sipp.done;
  if (r.code !== 0)
    throw new Error(
      `SIPp exited ${r.code}\n${r.errors}\n${r.output.slice(-2000)}\n${r.messages.slice(-6000)}`,
    );
}

/**
 * Starts a SIPp caller calling `number` through the lab proxy and resolves, once the gateway has
 * announced the call, with the run and the announced session-invitation.
 */
export async function sippCaller(
  gw: SipLabGateway,
  number: string,
  scenario: string,
): Promise<{ sipp: SippRun; id: string; invitation: DomainEvent }> {
  const from = gw.events.length;
  const sipp = runSipp({
    scenario,
    remote: `127.0.0.1:${gw.lab.sipPort}`,
    transport: "tcp",
    localPort: await freePort(),
    service: number,
    timeoutMs: 30_000,
  });
  const invitation = await gw
    .waitForEvent((e) => gw.events.indexOf(e) >= from && e.type.endsWith("session-invitation"))
    .catch(async (error: Error) => {
      sipp.stop();
      const r = await sipp.done;
      throw new Error(
        `${error.message}\nSIPp:\n${r.errors}\n${r.output.slice(-2000)}\n${r.messages.slice(-4000)}`,
      );
    });
  return { sipp, id: (invitation.data as { mediaSessionId: string }).mediaSessionId, invitation };
}
