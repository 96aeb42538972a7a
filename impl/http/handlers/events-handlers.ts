import type { RequestContext } from "camara-webrtc-runtime";
import type { WebrtcEventsHandlers } from "../../../generated/r2.2/webrtc-events/handlers.ts";
import type { SubscriptionService } from "../../services/subscription-service.ts";

/** webrtc-events v0.2: the generated contract, implemented on the subscription service. */
export function eventsHandlers(service: SubscriptionService): WebrtcEventsHandlers<RequestContext> {
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
    async deleteNotificationChannelSubscription(input, ctx) {
      await service.delete(ctx, input.path.subscriptionId);
      return { status: 204 };
    },
  };
}
