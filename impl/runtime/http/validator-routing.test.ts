import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { routeValidatorFromGateway } from "./validator-routing.ts";

describe("routeValidatorFromGateway", () => {
  it("leaves a validator of another shape alone", () => {
    assert.equal(routeValidatorFromGateway(undefined).installed, false);
    assert.equal(routeValidatorFromGateway({}).installed, false);
    const own = () => undefined;
    const instance = { metadataMiddleware: () => own };
    assert.equal(routeValidatorFromGateway(instance).installed, true);
    assert.equal(
      (instance.metadataMiddleware as (c: unknown, r: unknown) => unknown)({}, undefined),
      own,
      "a context without a route table keeps the validator's own step",
    );
  });
});
