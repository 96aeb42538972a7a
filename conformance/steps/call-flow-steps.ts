import { spawn } from "node:child_process";
import { Given, Then } from "@cucumber/cucumber";
import { query } from "../support/json-path.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check } from "./check.ts";
import { phrase } from "./step-phrase.ts";

/**
 * Steps of end-to-end call flows (@sip): they need a test network behind the gateway — callees
 * that answer, are busy, do not answer… (`testNetwork.callees`) and a way to place a call to the
 * registered subscriber (`testNetwork.placeIncomingCall`).
 */

Then(
  phrase("the session status becomes {string} within {int} seconds"),
  { timeout: 660_000 },
  async function (this: ConformanceWorld, status: string, seconds: string) {
    const mediaSessionId = this.saved.get("mediaSessionId");
    check(mediaSessionId, "no mediaSessionId saved in this scenario");
    const deadline = Date.now() + Number(seconds) * 1000;
    let last = "";
    while (Date.now() < deadline) {
      const probe = await this.run.client.call({
        operationId: "getSessionDetailsById",
        pathParams: { mediaSessionId },
      });
      last = String(
        (probe.response.json as { status?: unknown } | undefined)?.status ?? probe.response.status,
      );
      if (last === status) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    check(false, `session ${mediaSessionId} is ${last} after ${seconds} s, expected ${status}`);
  },
);

Given(
  phrase("the test network calls the subscriber from {string}"),
  function (this: ConformanceWorld, from: string) {
    const command = this.run.config.testNetwork.placeIncomingCall;
    check(command, "the target configuration has no testNetwork.placeIncomingCall command");
    // The remote party lives as long as its call: it runs in the background, ended after the scenario.
    const child = spawn("/bin/sh", ["-c", command], {
      env: {
        ...process.env,
        FROM: this.interpolate(from),
        TO: this.asset("phoneNumber"),
        REGISTRATION_ID: this.saved.get("registrationId") ?? "",
      },
      stdio: "ignore",
    });
    this.processes.push(child);
  },
);

Then(
  phrase("the notification property {string} is saved as {string}"),
  function (this: ConformanceWorld, path: string, name: string) {
    check(this.notification, "no notification has been received in this scenario");
    const [value] = query(this.notification.event, this.interpolate(path));
    check(value !== undefined, `the notification has no property ${path}`);
    this.saved.set(name, typeof value === "string" ? value : JSON.stringify(value));
  },
);
