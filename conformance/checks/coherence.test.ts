import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CheckFailure } from "./check-names.ts";
import { onCreated, onList, onRead, onRefreshed, onSubscriptionUpdated } from "./coherence.ts";
import { ResourceLedger } from "./resource-ledger.ts";

const NOW = Date.parse("2026-01-01T12:00:00.000Z");
const at = (sec: number) => new Date(NOW + sec * 1000).toISOString();

function failure(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!(error instanceof CheckFailure)) throw error;
    return error.check;
  }
}

const registration = (response: Record<string, unknown>, ledger = new ResourceLedger()) =>
  onCreated(ledger, {
    kind: "registration",
    id: "r1",
    profile: "valid",
    phoneNumber: "+34600000001",
    request: { deviceId: "d1" },
    response: { registrationId: "r1", ...response },
    now: NOW,
  });

const subscription = (
  ledger: ResourceLedger,
  id: string,
  profile: "valid" | "otherSubscriber",
  response = {},
) =>
  onCreated(ledger, {
    kind: "subscription",
    id,
    profile,
    phoneNumber: undefined,
    request: { sink: "https://s", types: ["t"], config: { subscriptionExpireTime: at(3600) } },
    response: { id, sink: "https://s", types: ["t"], expiresAt: at(3600), ...response },
    now: NOW,
  });

describe("coherence checks", () => {
  const cases: [string, { run: () => void; want: string | undefined }][] = [
    [
      "a registration expiring in an hour",
      { run: () => registration({ expiresAt: at(3600) }), want: undefined },
    ],
    ["a registration without expiresAt", { run: () => registration({}), want: "expiry_present" }],
    [
      "a registration already expired",
      { run: () => registration({ expiresAt: at(-60) }), want: "expiry_in_future" },
    ],
    [
      "a registration of another subscriber",
      {
        run: () => registration({ expiresAt: at(3600), regInfo: { phoneNumber: "+34600000002" } }),
        want: "token_subscriber_kept",
      },
    ],
    [
      "a refresh that does not move expiresAt",
      {
        run: () => onRefreshed(registration({ expiresAt: at(3600) }), 200, { expiresAt: at(3600) }, NOW),
        want: "refresh_extends_expiry",
      },
    ],
    [
      "a refresh that moves expiresAt",
      {
        run: () => onRefreshed(registration({ expiresAt: at(3600) }), 200, { expiresAt: at(3601) }, NOW),
        want: undefined,
      },
    ],
    [
      "a subscription expiring later than requested",
      {
        run: () => subscription(new ResourceLedger(), "s1", "valid", { expiresAt: at(7200) }),
        want: "expiry_within_request",
      },
    ],
    [
      "a subscription without the requested expiresAt",
      {
        run: () => subscription(new ResourceLedger(), "s1", "valid", { expiresAt: undefined }),
        want: "expiry_within_request",
      },
    ],
    [
      "an update that moves expiresAt to the new subscriptionExpireTime, then a read of it",
      {
        run: () => {
          const s = subscription(new ResourceLedger(), "s1", "valid");
          const update = { config: { subscriptionExpireTime: at(60) } };
          onSubscriptionUpdated(s, update, { id: "s1", sink: "https://s", expiresAt: at(60) }, NOW);
          onRead(s, { id: "s1", expiresAt: at(60) }, "GET", NOW);
        },
        want: undefined,
      },
    ],
    [
      "an update answering an expiresAt later than the new subscriptionExpireTime",
      {
        run: () =>
          onSubscriptionUpdated(
            subscription(new ResourceLedger(), "s1", "valid"),
            { config: { subscriptionExpireTime: at(60) } },
            { id: "s1", expiresAt: at(3600) },
            NOW,
          ),
        want: "expiry_within_request",
      },
    ],
    [
      "an update of the sink credential that changes the sink",
      {
        run: () =>
          onSubscriptionUpdated(
            subscription(new ResourceLedger(), "s1", "valid"),
            { sinkCredential: {} },
            { id: "s1", sink: "https://x", expiresAt: at(3600) },
            NOW,
          ),
        want: "client_values_kept",
      },
    ],
    [
      "a read with another sink than created",
      {
        run: () =>
          onRead(
            subscription(new ResourceLedger(), "s1", "valid"),
            { id: "s1", sink: "https://x" },
            "GET",
            NOW,
          ),
        want: "client_values_kept",
      },
    ],
  ];
  for (const [name, { run, want }] of cases) {
    it(`${want ?? "passes"}: ${name}`, () => assert.equal(failure(run), want));
  }

  it("lists: created ⇒ listed, deleted ⇒ not listed, never another subscriber's", () => {
    const ledger = new ResourceLedger();
    subscription(ledger, "mine", "valid");
    const gone = subscription(ledger, "gone", "valid");
    gone.deleted = true;
    subscription(ledger, "theirs", "otherSubscriber");
    const list = (ids: string[]) =>
      ids.map((id) => ({ id, sink: "https://s", types: ["t"], expiresAt: at(3600) }));
    assert.equal(
      failure(() => onList(ledger, "valid", list(["mine"]), NOW)),
      undefined,
    );
    assert.equal(
      failure(() => onList(ledger, "valid", list([]), NOW)),
      "created_resource_listed",
    );
    assert.equal(
      failure(() => onList(ledger, "valid", list(["mine", "gone"]), NOW)),
      "deleted_resource_not_listed",
    );
    assert.equal(
      failure(() => onList(ledger, "valid", list(["mine", "theirs"]), NOW)),
      "foreign_resource_not_listed",
    );
  });
});
