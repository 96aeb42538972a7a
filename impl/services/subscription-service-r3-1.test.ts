import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RequestContext } from "camara-webrtc-runtime";
import { createSqliteStore, type SubscriptionRecordR3_1 } from "../store/index.ts";
import { createSubscriptionServiceR3_1, MAX_LISTED } from "./subscription-service-r3-1.ts";

const ALICE = "+34600000001";
const ctx: RequestContext = {
  correlator: "c",
  principal: { subject: ALICE, clientId: "c", phoneNumber: ALICE, scopes: new Set(), expiresAtMs: undefined },
};

describe("the r3.1 subscription list", () => {
  it(`answers the newest ${MAX_LISTED} of more subscriptions (maxItems: ${MAX_LISTED})`, async () => {
    const store = createSqliteStore({ file: ":memory:" });
    const total = MAX_LISTED + 5;
    for (let i = 0; i < total; i++) {
      const record: SubscriptionRecordR3_1 = {
        id: `sub-${String(i).padStart(3, "0")}`,
        owner: ALICE,
        release: "r3.1-rc.1",
        request: {
          protocol: "HTTP",
          sink: "https://sink.example/s",
          types: ["org.camaraproject.webrtc-events.v0.session-invitation"],
          config: { subscriptionDetail: { deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" } },
        },
        status: "ACTIVE",
        startsAt: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
        expiresAt: null,
        eventCount: 0,
      };
      await store.subscriptions.put(record);
    }
    const service = createSubscriptionServiceR3_1({
      store,
      lifecycle: {} as never, // listing changes nothing
      clock: { now: () => new Date(Date.UTC(2030, 0, 2)) },
      newId: () => "unused",
    });
    const listed = await service.list(ctx);
    assert.equal(listed.length, MAX_LISTED);
    assert.equal(listed[0]?.id, `sub-${total - 1}`);
    assert.equal(listed.at(-1)?.id, `sub-${String(total - MAX_LISTED).padStart(3, "0")}`);
    await store.close();
  });
});
