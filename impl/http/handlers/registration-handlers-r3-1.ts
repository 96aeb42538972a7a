import type { RequestContext } from "camara-webrtc-runtime";
import type { WebrtcRegistrationHandlers } from "../../../generated/r3.1-rc.1/webrtc-registration/handlers.ts";
import { R3_1_REGISTRATION, type RegistrationService } from "../../services/registration-service.ts";

/**
 * webrtc-registration v0.4.0-rc.1 (r3.1): the generated contract, implemented on the same
 * registration service as r2.2, with r3.1's rules (201 on creation, 409 ALREADY_EXISTS for a
 * duplicate, expiry capped at the maximum and refused below the minimum) and its two reads.
 */
export function registrationHandlersR3_1(
  service: RegistrationService,
): WebrtcRegistrationHandlers<RequestContext> {
  return {
    async createRegistration(input, ctx) {
      return { status: 201, body: await service.create(ctx, input.body, R3_1_REGISTRATION) };
    },
    async getRegistrationById(input, ctx) {
      return { status: 200, body: await service.get(ctx, input.path.registrationId) };
    },
    async getRegistrationsByDeviceId(input, ctx) {
      return { status: 200, body: await service.listByDevice(ctx, input.query.deviceId) };
    },
    async updateRegistrationById(input, ctx) {
      const body = await service.refresh(ctx, input.path.registrationId, input.body, R3_1_REGISTRATION);
      return { status: 200, body };
    },
    async deleteRegistrationById(input, ctx) {
      await service.delete(ctx, input.path.registrationId);
      return { status: 204 };
    },
  };
}
