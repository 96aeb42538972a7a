import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { SipConfig } from "../../config/config.ts";
import type { MediaAnchor } from "../media-anchor.ts";
import { readCredentialsFile } from "./registration/sip-credentials.ts";
import { type StartedSipEngine, startSipEngine } from "./sip-engine.ts";

/** Starts the SIP engine from the validated SIP_* configuration (used by impl/server.ts). */
export async function startSipEngineFromConfig(
  config: SipConfig,
  logger: Logger,
  mediaAnchor?: MediaAnchor,
): Promise<StartedSipEngine> {
  const credentials = config.credentialsFile ? readCredentialsFile(config.credentialsFile) : new Map();
  const engine = await startSipEngine({
    transport: config.transport,
    localHost: config.localHost,
    localPort: config.localPort,
    outboundProxy: config.outboundProxy,
    domain: config.domain,
    registrationMode: config.registrationMode,
    credentials: (phone) => credentials.get(phone),
    registerExpiresSec: config.registerExpiresSec,
    sessionExpiresSec: config.sessionExpiresSec,
    minSeSec: config.minSeSec,
    inviteTimeoutMs: config.inviteTimeoutMs,
    ...(mediaAnchor ? { mediaAnchor } : {}),
    ...(config.tlsCaFile ? { tls: { ca: readFileSync(config.tlsCaFile, "utf8") } } : {}),
    log: (level, message) => logger[level](message),
  });
  logger.info(
    {
      transport: config.transport,
      local: engine.local,
      proxy: config.outboundProxy,
      mode: config.registrationMode,
    },
    "SIP engine started",
  );
  return engine;
}
