import type { RequestContext } from "camara-webrtc-runtime";
import type { WebrtcEventsHandlers } from "../../../generated/r3.1-rc.1/webrtc-events/handlers.ts";
import type { SubscriptionServiceR3_1 } from "../../services/subscription-service-r3-1.ts";

/**
 * webrtc-events v0.3.0-rc.1 (r3.1): the generated contract, implemented on the r3.1 subscription
 * service (deviceId subscriptions, up to 3 types, PUT) over the same store and lifecycle as r2.2.
 */
export function eventsHandlersR3_1(service: SubscriptionServiceR3_1): WebrtcEventsHandlers<RequestContext> {
  return {
    async createNotificationChannelSubscription(input, ctx) {
      return { status: 201, body: await service.create(ctx, input.body) };
    },
    async retrieveNotificationChannelSubscriptionList(_input, ctx) {
      return { status: 200, body: await service.list(ctx) };
    },
    async retrieveNotificationChannelSubscription(input, ctx) {
      return { status: 200, body: await service.get(ctx, input.path.subscriptionId) };
    },
    async updateNotificationChannelSubscription(input, ctx) {
      return { status: 200, body: await service.update(ctx, input.path.subscriptionId, input.body) };
    },
    async deleteNotificationChannelSubscription(input, ctx) {
      await service.delete(ctx, input.path.subscriptionId);
      return { status: 204 };
    },
  };
}
