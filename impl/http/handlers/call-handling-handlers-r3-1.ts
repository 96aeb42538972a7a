import { ApiError, type RequestContext } from "camara-webrtc-runtime";
import type { WebrtcCallHandlingHandlers } from "../../../generated/r3.1-rc.1/webrtc-call-handling/handlers.ts";
import type { CallService } from "../../services/call-service.ts";
import { sessionViewR3_1 } from "../../services/session-views.ts";

/**
 * webrtc-call-handling v0.4.0-rc.1 (r3.1): the generated contract, implemented on the same call
 * service as r2.2. No clientCorrelator (r3.1 removed it); emergency and anonymous calls.
 */
export function callHandlingHandlersR3_1(service: CallService): WebrtcCallHandlingHandlers<RequestContext> {
  return {
    async createSession(input, ctx) {
      // MediaSessionCreate requires receiverAddress in an allOf branch, which the generated type
      // leaves optional; the validator has refused a body without it already.
      const { receiverAddress } = input.body;
      if (!receiverAddress)
        throw ApiError.invalidArgument("receiverAddress is required to create a session.");
      const body = await service.createCall(ctx, input.headers.registrationId, {
        ...input.body,
        receiverAddress,
      });
      return { status: 201, body: sessionViewR3_1(body) };
    },
    async getSessionDetailsById(input, ctx) {
      return { status: 200, body: sessionViewR3_1(await service.get(ctx, input.path.mediaSessionId)) };
    },
    async updateSessionStatus(input, ctx) {
      const body = await service.updateStatus(ctx, input.path.mediaSessionId, input.body);
      return { status: 200, body: sessionViewR3_1(body) };
    },
    async deleteSessionById(input, ctx) {
      await service.delete(ctx, input.path.mediaSessionId);
      return { status: 204 };
    },
  };
}
