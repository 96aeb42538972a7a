import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type EngineLogger, silentLogger } from "../engine.ts";
import { LoggerFactory, type UserAgentCore } from "./sip-core.ts";
import { connectSipCoreLog, sipCoreLogLevel, sipCoreSubject } from "./sip-core-log.ts";
import { type LogRecord, recordingLogger } from "./testing/recording-logger.ts";

/** The three maps of the core the connector reads, holding one dialog, one server and one client. */
const core = {
  dialogs: new Map([["call-1ltagrtag", { callId: "call-1" }]]),
  userAgentServers: new Map([["z9hG4bKserver", { message: { callId: "call-2" } }]]),
  userAgentClients: new Map([["z9hG4bKclientBYE", { message: { callId: "call-1" } }]]),
} as unknown as UserAgentCore;

function connected(options: { enabled?: (level: string) => boolean } = {}) {
  const lines: LogRecord[] = [];
  const base = recordingLogger((line) => lines.push(line), { component: "sip" });
  const logger: EngineLogger = options.enabled ? { ...base, isLevelEnabled: options.enabled } : base;
  const factory = new LoggerFactory();
  const legLogger = logger.child({ correlator: "corr-1", mediaSessionId: "ms-1", callId: "call-1" });
  connectSipCoreLog(factory, {
    logger,
    core: () => core,
    loggerForCall: (callId) => (callId === "call-1" ? legLogger : undefined),
  });
  return { factory, lines };
}

describe("sip.js core log lines", () => {
  const levels: [string, { given: string; want: "warn" | "debug" }][] = [
    ["an error (what a peer or the network did) at warn", { given: "error", want: "warn" }],
    ["a warning at warn", { given: "warn", want: "warn" }],
    ["a log line at debug", { given: "log", want: "debug" }],
    ["a debug line at debug", { given: "debug", want: "debug" }],
  ];
  for (const [name, { given, want }] of levels)
    it(`writes ${name}`, () => assert.equal(sipCoreLogLevel(given), want));

  const subjects: [string, { label?: string; content: unknown; want: ReturnType<typeof sipCoreSubject> }][] =
    [
      [
        "a transaction by its label",
        { label: "z9hG4bK1", content: "State change", want: { transactionId: "z9hG4bK1" } },
      ],
      [
        "an INVITE dialog by the id its lines start with",
        { content: "INVITE dialog call-1ltagrtag sending BYE request", want: { dialogId: "call-1ltagrtag" } },
      ],
      ["nothing in other lines", { content: "malformed message", want: {} }],
      ["nothing in an error object", { content: new Error("INVITE dialog x"), want: {} }],
    ];
  for (const [name, { label, content, want }] of subjects)
    it(`names ${name}`, () => assert.deepEqual(sipCoreSubject(label, content), want));

  it("writes a transaction's line through the call leg's logger, with its correlator and the transaction", () => {
    const { factory, lines } = connected();
    factory.getLogger("sip.transaction.nict", "z9hG4bKclient").error("Transport error occurred");
    assert.deepEqual(lines, [
      {
        level: "warn",
        bindings: {
          component: "sip",
          correlator: "corr-1",
          mediaSessionId: "ms-1",
          callId: "call-1",
          category: "sip.transaction.nict",
          transactionId: "z9hG4bKclient",
        },
        message: "Transport error occurred",
      },
    ]);
  });

  it("writes a dialog's line through the call leg's logger", () => {
    const { factory, lines } = connected();
    factory.getLogger("sip.invite-dialog").log("INVITE dialog call-1ltagrtag destroyed");
    assert.deepEqual(lines[0]?.bindings, {
      component: "sip",
      correlator: "corr-1",
      mediaSessionId: "ms-1",
      callId: "call-1",
      category: "sip.invite-dialog",
    });
    assert.equal(lines[0]?.level, "debug");
  });

  it("binds the Call-ID of a transaction no call leg claims", () => {
    const { factory, lines } = connected();
    factory.getLogger("sip.transaction.nist", "z9hG4bKserver").warn("ACK never received");
    assert.deepEqual(lines[0]?.bindings, {
      component: "sip",
      category: "sip.transaction.nist",
      transactionId: "z9hG4bKserver",
      callId: "call-2",
    });
  });

  it("writes peer garbage at warn with its category only, never at error", () => {
    const { factory, lines } = connected();
    factory.getLogger("sip.parser").error("malformed message");
    assert.deepEqual(lines, [
      { level: "warn", bindings: { component: "sip", category: "sip.parser" }, message: "malformed message" },
    ]);
  });

  it("writes nothing, and looks nothing up, at a level the logger leaves out", () => {
    const asked: string[] = [];
    const { factory, lines } = connected({
      enabled: (level) => {
        asked.push(level);
        return level !== "debug";
      },
    });
    factory.getLogger("sip.transaction.ict", "z9hG4bKclient").debug("Timer B expired");
    factory.getLogger("sip.transaction.ict", "z9hG4bKclient").warn("Transport error");
    assert.deepEqual(asked, ["debug", "warn"]);
    assert.deepEqual(
      lines.map((l) => [l.level, l.message]),
      [["warn", "Transport error"]],
    );
  });
});

describe("sip.js core log lines to the silent logger", () => {
  it("are dropped before the core is looked at", () => {
    let looked = 0;
    const factory = new LoggerFactory();
    connectSipCoreLog(factory, {
      logger: silentLogger,
      core: () => {
        looked++;
        return core;
      },
    });
    factory.getLogger("sip.transaction.ict", "z9hG4bKclient").warn("Transport error");
    assert.equal(looked, 0);
  });
});
