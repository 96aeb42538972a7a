import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { Engine, EngineListener, RegisterRequest } from "../engine/engine.ts";
import { dialogCarrier } from "./dialog-carrier.ts";
import { heldResources } from "./held-resources.ts";
import type { ForwardedOperation, InternalClient, InternalHandler } from "./internal-channel.ts";
import type { ClaimedResource, NodeRegistry } from "./node-registry.ts";
import { routeToHolder } from "./route-to-holder.ts";

export interface ClusterEngineOptions {
  readonly registry: NodeRegistry;
  readonly client: InternalClient;
  /** Whether this node's lease is current; a node that could not renew it stops answering /readyz. */
  readonly leaseCurrent: () => boolean;
  /**
   * Changes whenever the lease lapsed and was taken again: what this node held before may have been
   * taken over meanwhile, so it forgets what it remembers holding.
   */
  readonly leaseGeneration: () => number;
  /** Whether the node takes new requests: false once it gives its lease up (default: leaseCurrent). */
  readonly accepting?: () => boolean;
  /**
   * Takes over a resource claimed from a dead node on demand (ClusterNode.takeOver: the failover
   * sweep's path, once at a time per resource), before the request for it is carried out here.
   */
  readonly takeOver: (resource: ClaimedResource) => Promise<unknown>;
  /**
   * The takeover of a resource under way on this node, if any (ClusterNode.takingOver): an in-dialog
   * request for its call waits for it.
   */
  readonly takingOver: (resourceId: string) => Promise<unknown> | undefined;
  readonly warn: (message: string, detail: Record<string, unknown>) => void;
}

/**
 * The engine of a cluster node: this node's own engine, with each request for a registration or a
 * call carried out by the node that holds its SIP state (internal-channel.ts). A resource no live
 * node holds is claimed by the node that gets the request (so a request never waits for the
 * failover sweep). New registrations and calls are held by the node that makes them.
 * `handle` serves the requests other nodes forward to this one.
 */
export function clusterEngine(
  inner: (listener: EngineListener) => Engine,
  options: ClusterEngineOptions,
): { factory: (listener: EngineListener) => Engine; handle: InternalHandler } {
  let local: Engine | undefined;
  const engine = (): Engine => {
    if (!local) throw new Error("the cluster engine is not started");
    return local;
  };
  const { holds, hold, forget, claimed } = heldResources(options);

  const route = routeToHolder({ ...options, holds, claimed });

  const carryDialog = dialogCarrier({ ...options, claimed });

  const run: Record<ForwardedOperation, (request: never) => Promise<void>> = {
    refresh: (request: RegisterRequest) => engine().registrations.refresh(request),
    unregister: async (request: { registrationId: string; phoneNumber: string; correlator: string }) => {
      await engine().registrations.unregister(request);
      forget(request.registrationId);
    },
    update: (request: Parameters<Engine["calls"]["update"]>[0]) => engine().calls.update(request),
    terminate: (request: { mediaSessionId: string; correlator: string }) => engine().calls.terminate(request),
  };

  const factory = (listener: EngineListener): Engine => {
    local = inner({
      async incomingCall(call) {
        await hold(call.mediaSessionId, "session");
        await listener.incomingCall(call);
      },
      async sessionChanged(event) {
        if (TERMINAL_STATUSES.has(event.status)) forget(event.mediaSessionId);
        await listener.sessionChanged(event);
      },
      async registrationEnded(ended) {
        forget(ended.registrationId);
        await listener.registrationEnded(ended);
      },
      carryDialog,
    });
    const self = local;
    return {
      registrations: {
        async register(request: RegisterRequest) {
          await hold(request.registrationId, "registration");
          await self.registrations.register(request);
        },
        refresh: (request) =>
          route(request.registrationId, "registration", "refresh", request, () =>
            run.refresh(request as never),
          ),
        unregister: (request) =>
          route(request.registrationId, "registration", "unregister", request, () =>
            run.unregister(request as never),
          ),
      },
      calls: {
        async originate(request) {
          await hold(request.mediaSessionId, "session");
          await self.calls.originate(request);
        },
        update: (request) =>
          route(request.mediaSessionId, "session", "update", request, () => run.update(request as never)),
        terminate: (request) =>
          route(request.mediaSessionId, "session", "terminate", request, () =>
            run.terminate(request as never),
          ),
      },
      ...(self.recoverSession ? { recoverSession: self.recoverSession.bind(self) } : {}),
      ...(self.emergencyCalls !== undefined ? { emergencyCalls: self.emergencyCalls } : {}),
      ready: () => self.ready() && (options.accepting ?? options.leaseCurrent)(),
      // A node stops after giving its lease up (ClusterNode.resign): its calls are the survivors' now.
      close: async () => {
        await self.leaveCalls?.();
        await self.close();
      },
    };
  };

  const handle: InternalHandler = async (operation, request) => {
    const body = request as Record<string, unknown>;
    // JSON carries the registration's expiry as text.
    if (typeof body.expiresAt === "string") body.expiresAt = new Date(body.expiresAt);
    await run[operation](body as never);
  };
  return { factory, handle };
}
