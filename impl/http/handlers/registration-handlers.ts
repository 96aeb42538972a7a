import type { RequestContext } from "camara-webrtc-runtime";
import type { WebrtcRegistrationHandlers } from "../../../generated/r2.2/webrtc-registration/handlers.ts";
import type { RegistrationService } from "../../services/registration-service.ts";

/** webrtc-registration v0.3: the generated contract, implemented on the registration service. */
export function registrationHandlers(
  service: RegistrationService,
): WebrtcRegistrationHandlers<RequestContext> {
  return {
    async createRegistration(input, ctx) {
      return { status: 200, body: await service.create(ctx, input.body) };
    },
    async updateRegistrationById(input, ctx) {
      return { status: 200, body: await service.refresh(ctx, input.path.registrationId, input.body) };
    },
    async deleteRegistrationById(input, ctx) {
      await service.delete(ctx, input.path.registrationId);
      return { status: 204 };
    },
  };
}
