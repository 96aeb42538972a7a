import { randomBytes } from "node:crypto";
import type { EngineListener, EngineLogger, RegisterRequest, RegistrationEngine } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { engineFailureFromSip } from "../call/session-status-from-sip.ts";
import type { GatewayUserAgent } from "../gateway-user-agent.ts";
import { type IncomingResponse, URI } from "../sip-core.ts";

export interface SipRegistrationOptions {
  readonly mode: "per-number" | "trunk";
  readonly domain: string;
  /** Expires asked of the registrar, seconds; the binding is refreshed before it runs out. */
  readonly registerExpiresSec: number;
  readonly logger: EngineLogger;
}

/** One device registration as the network knows it. */
export interface Binding {
  readonly registrationId: string;
  readonly phoneNumber: string;
  readonly callId: string;
  /** The x-correlator of the request that created the registration. */
  readonly correlator: string;
  /** Bound to `{correlator, registrationId, callId}`. */
  readonly logger: EngineLogger;
  cseq: number;
  /** The Contact URI the registrar last accepted for this binding. */
  contact: string | undefined;
  expiresAt: Date;
  timer: NodeJS.Timeout | undefined;
  createdAt: number;
}

/**
 * RegistrationEngine over SIP REGISTER (RFC 3261 §10.2), one binding per CAMARA registration:
 * digest-authenticated, refreshed before the granted expiry, removed with Expires: 0. A refused
 * refresh ends the registration through `listener.registrationEnded`. In trunk mode nothing is
 * sent; the bindings only route incoming calls.
 */
export class SipRegistrations implements RegistrationEngine {
  readonly bindings = new Map<string, Binding>();

  constructor(
    private readonly ua: GatewayUserAgent,
    private readonly options: SipRegistrationOptions,
    private readonly listener: () => EngineListener,
  ) {}

  async register(request: RegisterRequest): Promise<void> {
    const callId = randomBytes(10).toString("hex");
    const { registrationId, correlator } = request;
    const binding: Binding = {
      registrationId,
      phoneNumber: request.phoneNumber,
      callId,
      correlator,
      logger: this.options.logger.child({ correlator, registrationId, callId }),
      cseq: 0,
      contact: undefined,
      expiresAt: request.expiresAt,
      timer: undefined,
      createdAt: Date.now(),
    };
    if (this.options.mode === "per-number") await this.send(binding, this.expiresFor(binding));
    binding.logger.info(`registered ${binding.phoneNumber} (${this.options.mode})`);
    this.bindings.set(binding.registrationId, binding);
    this.schedule(binding);
  }

  async refresh(request: RegisterRequest): Promise<void> {
    const binding = this.bindings.get(request.registrationId);
    if (!binding) {
      // Not known to this process (e.g. after a restart): register it afresh.
      await this.register(request);
      return;
    }
    binding.expiresAt = request.expiresAt;
    if (this.options.mode === "per-number") await this.send(binding, this.expiresFor(binding));
    this.schedule(binding);
  }

  async unregister(request: { registrationId: string }): Promise<void> {
    const binding = this.bindings.get(request.registrationId);
    if (!binding) return;
    this.forget(binding);
    if (this.options.mode === "per-number") await this.send(binding, 0);
  }

  /** The newest registration of a phone number (trunk mode routes by number). */
  latestFor(phoneNumber: string): Binding | undefined {
    let latest: Binding | undefined;
    for (const binding of this.bindings.values())
      if (binding.phoneNumber === phoneNumber && (!latest || binding.createdAt >= latest.createdAt))
        latest = binding;
    return latest;
  }

  /** After the flow to the proxy came back, bindings tied to the lost flow are renewed at once. */
  reRegisterAll(): void {
    if (this.options.mode !== "per-number") return;
    let delay = 0;
    for (const binding of this.bindings.values()) {
      // Staggered (1 ms apart) so thousands of bindings do not burst the registrar.
      const timer = setTimeout(() => this.refreshNow(binding), delay++);
      timer.unref();
    }
  }

  close(): void {
    for (const binding of this.bindings.values()) if (binding.timer) clearTimeout(binding.timer);
    this.bindings.clear();
  }

  private expiresFor(binding: Binding): number {
    const left = Math.ceil((binding.expiresAt.getTime() - Date.now()) / 1000);
    return Math.max(1, Math.min(this.options.registerExpiresSec, left));
  }

  private forget(binding: Binding): void {
    if (binding.timer) clearTimeout(binding.timer);
    this.bindings.delete(binding.registrationId);
  }

  /** Refreshes at 80 % of the asked expiry (at least 1 s ahead), while the CAMARA registration lasts. */
  private schedule(binding: Binding, grantedSec = this.expiresFor(binding)): void {
    if (binding.timer) clearTimeout(binding.timer);
    binding.timer = undefined;
    if (this.options.mode !== "per-number") return;
    if (binding.expiresAt.getTime() - Date.now() <= grantedSec * 1000) return; // the sweep ends it
    const inMs = Math.max(500, Math.min(grantedSec * 800, grantedSec * 1000 - 1000));
    binding.timer = setTimeout(() => this.refreshNow(binding), inMs);
    binding.timer.unref();
  }

  private refreshNow(binding: Binding): void {
    if (this.bindings.get(binding.registrationId) !== binding) return;
    this.send(binding, this.expiresFor(binding)).then(
      (granted) => this.schedule(binding, granted),
      (error: unknown) => {
        if (this.bindings.get(binding.registrationId) !== binding) return;
        const failure = error instanceof EngineError ? error.failure : "network_rejected";
        if (failure === "network_unreachable" || failure === "network_timeout") {
          // Transient: retry shortly; the CAMARA registration is still valid.
          binding.timer = setTimeout(() => this.refreshNow(binding), 2000);
          binding.timer.unref();
          return;
        }
        this.forget(binding);
        binding.logger.warn(`registration refresh refused: ${(error as Error).message}`);
        void this.listener()
          .registrationEnded({
            registrationId: binding.registrationId,
            reason: "NETWORK_TERMINATED",
            description: `The network refused the registration refresh (${(error as Error).message})`,
            correlator: binding.correlator,
          })
          .catch((e: unknown) => binding.logger.error(`registrationEnded failed: ${String(e)}`));
      },
    );
  }

  /**
   * Sends one REGISTER (retried with credentials by the core on 401/407) and resolves with the
   * expiry the registrar granted, in seconds.
   */
  private async send(binding: Binding, expiresSec: number): Promise<number> {
    let result: Registered;
    try {
      result = await this.sendOnce(binding, expiresSec);
    } catch (error) {
      // RFC 3263 §4.3: a 503 from the proxy moves to its next located target, if there is one.
      if (!(error instanceof Error && PROXY_UNAVAILABLE.has(error) && this.ua.transport.failover()))
        throw error;
      result = await this.sendOnce(binding, expiresSec);
    }
    if (result.stale.length === 0) return result.granted;
    // The registrar still lists Contacts of this registration that name an address this process no
    // longer answers on (an earlier run on another port, a dead cluster node): remove them
    // (RFC 3261 §10.2.2), or calls keep forking to them until they expire.
    binding.logger.info(
      `removing ${result.stale.length} stale contact(s) of this registration at the registrar`,
    );
    return (await this.sendOnce(binding, expiresSec, result.stale)).granted;
  }

  private async sendOnce(
    binding: Binding,
    expiresSec: number,
    remove: readonly string[] = [],
  ): Promise<Registered> {
    // Over TLS and WS the Contact names the port of the connection to the proxy: open it first. A
    // proxy that cannot be reached, or whose certificate does not verify, fails here.
    await this.ua.transport.ensureConnected().catch((error: Error) => {
      throw new EngineError(
        "network_unreachable",
        `REGISTER ${binding.phoneNumber}: outbound proxy unreachable: ${error.message}`,
        { cause: error },
      );
    });
    const { core } = this.ua;
    const aor = new URI("sip", binding.phoneNumber, this.options.domain);
    const contact = this.ua.contactFor(binding.registrationId);
    // Over TLS and WS the Contact names the connection's port, which a new connection changes: the
    // binding moves, and the old Contact is removed in the same REGISTER (RFC 3261 §10.2.2) so that
    // the registrar does not keep forking calls to a connection that is gone.
    const moved = new Set(remove);
    if (binding.contact !== undefined && binding.contact !== contact) moved.add(binding.contact);
    binding.cseq += 1;
    const message = core.makeOutgoingRequestMessage(
      "REGISTER",
      new URI("sip", "", this.options.domain),
      aor,
      aor,
      { callId: binding.callId, cseq: binding.cseq },
      [
        `Contact: <${contact}>;expires=${expiresSec}`,
        ...[...moved].map((uri) => `Contact: <${uri}>;expires=0`),
        `Expires: ${expiresSec}`,
        "Allow: INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, OPTIONS",
      ],
    );
    return new Promise<Registered>((resolve, reject) => {
      const refused = (response: IncomingResponse) => {
        const code = response.message.statusCode ?? 500;
        // Locally generated 408/503 (timeout, transport error) carry no Via (RFC 3261 §8.1.3.1).
        const local = response.message.getHeaders("via").length === 0;
        const error = new EngineError(
          engineFailureFromSip(code, local),
          `REGISTER ${binding.phoneNumber}: ${code} ${response.message.reasonPhrase}`,
        );
        if (code === 503 && !local) PROXY_UNAVAILABLE.add(error);
        reject(error);
      };
      const request = core.register(message, {
        onAccept: (response) => {
          binding.cseq = Math.max(binding.cseq, response.message.cseq);
          binding.contact = contact;
          resolve(
            registered(response.message.getHeaders("contact"), contact, binding.registrationId, expiresSec),
          );
        },
        onReject: refused,
        onRedirect: refused,
      });
      // sip.js bumps CSeq itself when it retries with credentials.
      binding.cseq = request.message.cseq;
    }).finally(() => {
      binding.cseq = Math.max(binding.cseq, message.cseq);
    });
  }
}

/** REGISTERs the proxy itself answered 503 (Service Unavailable), not a local time-out or transport error. */
const PROXY_UNAVAILABLE = new WeakSet<Error>();

/** What the registrar's 200 said: the expiry it granted our Contact, and Contacts of ours it should not keep. */
interface Registered {
  readonly granted: number;
  /** Contacts carrying this registration's `rid` that are not the one just registered. */
  readonly stale: readonly string[];
}

/**
 * RFC 3261 §10.3: the registrar's 200 lists every current binding of the address of record with its
 * expires. Ours is the Contact just sent; another one carrying the same `rid` parameter was registered
 * for this registration from another address.
 */
export function registered(
  headers: string[],
  contact: string,
  registrationId: string,
  asked: number,
): Registered {
  let granted = asked;
  const stale: string[] = [];
  const rid = new RegExp(`;rid=${registrationId.replace(/[^\w-]/g, "")}(?=[;>]|$)`);
  for (const header of headers)
    for (const value of header.split(/,(?=\s*<)/)) {
      const uri = /<([^>]*)>/.exec(value)?.[1];
      if (uri === undefined || !rid.test(`${uri}`)) continue;
      if (uri !== contact) {
        stale.push(uri);
        continue;
      }
      const match = /;\s*expires=(\d+)/i.exec(value.slice(value.indexOf(">")));
      if (match?.[1]) granted = Number(match[1]);
    }
  return { granted, stale };
}
