/**
 * Where an engine keeps the state of its call legs' dialogs so that a new process can carry the
 * calls on (Engine.recoverSession). The gateway's store implements it (Store.dialogs); `state` is
 * the engine's own JSON, opaque to everyone else.
 */
export interface PersistedDialog {
  readonly mediaSessionId: string;
  /** SIP Call-ID of the network leg. */
  readonly callId: string;
  readonly state: Readonly<Record<string, unknown>>;
  /** RFC 3339 UTC. */
  readonly updatedAt: string;
}

export interface DialogStateStore {
  get(mediaSessionId: string): Promise<PersistedDialog | undefined>;
  /** Inserts or replaces; writes apply in call order. */
  put(dialog: PersistedDialog): Promise<void>;
  delete(mediaSessionId: string): Promise<boolean>;
  /**
   * The dialog of the network leg with this SIP Call-ID (the latest written, should two share it), for
   * an in-dialog request that matches no dialog of this process (a cluster node taking a dead one's
   * call over). Indexed: it runs only for such requests, never for matched ones.
   */
  findByCallId(callId: string): Promise<PersistedDialog | undefined>;
}
