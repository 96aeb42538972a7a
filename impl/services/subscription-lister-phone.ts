import { ApiError, type RequestContext } from "camara-webrtc-runtime";

/**
 * The phone number whose subscriptions a token may list. retrieveNotificationChannelSubscriptionList
 * documents 403 PERMISSION_DENIED only (not INVALID_TOKEN_CONTEXT): a token naming no subscriber has
 * no subscriptions it may list.
 */
export function subscriptionListerPhone(ctx: RequestContext): string {
  const phone = ctx.principal.phoneNumber;
  if (!phone) {
    throw new ApiError(
      "PERMISSION_DENIED",
      "The access token identifies no subscriber, so it cannot list subscriptions; use a token issued for a subscriber.",
    );
  }
  return phone;
}
