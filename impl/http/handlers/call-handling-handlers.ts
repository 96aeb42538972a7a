import { ApiError, type RequestContext } from "camara-webrtc-runtime";
import type { WebrtcCallHandlingHandlers } from "../../../generated/r2.2/webrtc-call-handling/handlers.ts";
import type { CallService } from "../../services/call-service.ts";
import { sessionViewR2_2 } from "../../services/session-views.ts";
import type { MediaSessionInformation } from "../../store/index.ts";

/** r2.2's view of a session, or 404 for one only r3.1 can show (session-views.ts). */
function r22(info: MediaSessionInformation) {
  const view = sessionViewR2_2(info);
  if (!view) throw ApiError.notFound("The media session");
  return view;
}

/** webrtc-call-handling v0.3 (r2.2): the generated contract, implemented on the call service. */
export function callHandlingHandlers(service: CallService): WebrtcCallHandlingHandlers<RequestContext> {
  return {
    async createSession(input, ctx) {
      return { status: 201, body: r22(await service.create(ctx, input.headers.registrationId, input.body)) };
    },
    async getSessionDetailsById(input, ctx) {
      return { status: 200, body: r22(await service.get(ctx, input.path.mediaSessionId)) };
    },
    async updateSessionStatus(input, ctx) {
      r22(await service.get(ctx, input.path.mediaSessionId));
      return {
        status: 200,
        body: r22(await service.updateStatus(ctx, input.path.mediaSessionId, input.body)),
      };
    },
    async deleteSessionById(input, ctx) {
      r22(await service.get(ctx, input.path.mediaSessionId));
      await service.delete(ctx, input.path.mediaSessionId);
      return { status: 204 };
    },
  };
}
