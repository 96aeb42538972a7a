import type { WebrtcCallHandlingHandlers } from "../../../generated/r2.2/webrtc-call-handling/handlers.ts";
import type { CallService } from "../../services/call-service.ts";
import type { RequestContext } from "../../services/request-context.ts";

/** webrtc-call-handling v0.3: the generated contract, implemented on the call service. */
export function callHandlingHandlers(service: CallService): WebrtcCallHandlingHandlers<RequestContext> {
  return {
    async createSession(input, ctx) {
      return { status: 201, body: await service.create(ctx, input.headers.registrationId, input.body) };
    },
    async getSessionDetailsById(input, ctx) {
      return { status: 200, body: await service.get(ctx, input.path.mediaSessionId) };
    },
    async updateSessionStatus(input, ctx) {
      return { status: 200, body: await service.updateStatus(ctx, input.path.mediaSessionId, input.body) };
    },
    async deleteSessionById(input, ctx) {
      await service.delete(ctx, input.path.mediaSessionId);
      return { status: 204 };
    },
  };
}
