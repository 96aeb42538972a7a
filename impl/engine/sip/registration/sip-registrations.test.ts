import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { registered } from "./sip-registrations.ts";

const ID = "5f0c6f8e-8d1a-4c2b-9e57-0b1c2d3e4f50";
const OURS = `sip:gw@127.0.0.1:5070;transport=udp;rid=${ID}`;

describe("reading the registrar's 200 to a REGISTER", () => {
  it("takes the expiry the registrar granted our Contact, not another binding's", () => {
    const result = registered(
      [`<sip:alice@10.0.0.9:5060>;expires=3600, <${OURS}>;expires=120;received="sip:127.0.0.1:5070"`],
      OURS,
      ID,
      300,
    );
    assert.deepEqual(result, { granted: 120, stale: [] });
  });

  it("names a Contact of the same registration at another address as stale", () => {
    const old = `sip:gw@127.0.0.1:40123;transport=udp;rid=${ID}`;
    const result = registered([`<${old}>;expires=40`, `<${OURS}>;expires=300`], OURS, ID, 300);
    assert.deepEqual(result, { granted: 300, stale: [old] });
  });

  it("leaves alone Contacts of other registrations and other user agents of the number", () => {
    const other = "sip:gw@127.0.0.1:40123;transport=udp;rid=00000000-0000-4000-8000-000000000000";
    const prefix = `sip:gw@127.0.0.1:40123;transport=udp;rid=${ID}0`;
    const result = registered(
      [`<${other}>;expires=40, <sip:bob@192.0.2.1>;expires=9, <${prefix}>;expires=1`],
      OURS,
      ID,
      300,
    );
    assert.deepEqual(result, { granted: 300, stale: [] });
  });

  it("keeps the asked expiry when the registrar lists no Contact of ours", () => {
    assert.deepEqual(registered([], OURS, ID, 90), { granted: 90, stale: [] });
  });
});
