import type { DialogRecord, RegistrationRecord, SessionRecord, SubscriptionRecord } from "./records.ts";

/**
 * Keyed records of one kind. Writes are durable when the promise resolves; reads serve durable
 * state, so a write is certain to be seen by the reads started after its promise resolved (await a
 * write before reading it back). Writes apply in call order.
 */
export interface Repository<T> {
  get(id: string): Promise<T | undefined>;
  /** Inserts or replaces. */
  put(record: T): Promise<void>;
  /** @returns whether a record was deleted. */
  delete(id: string): Promise<boolean>;
}

/**
 * Persistence of the gateway's resources. {@link createSqliteStore} is the default,
 * {@link openPostgresStore} the store several gateway nodes share; any backend keeping the contract
 * (testing/store-contract.ts) can replace them. A backend that cannot be reached rejects with
 * {@link StoreUnavailableError} (503 UNAVAILABLE).
 */
export interface Store {
  readonly registrations: Repository<RegistrationRecord> & {
    findByDevice(owner: string, deviceId: string): Promise<RegistrationRecord | undefined>;
    /** Registrations whose expiresAt is at or before `isoTime`. */
    listExpiredBy(isoTime: string): Promise<RegistrationRecord[]>;
    /** Registrations whose expiresAt is after `isoTime`, oldest first (restored at start-up). */
    listActiveAt(isoTime: string): Promise<RegistrationRecord[]>;
  };
  readonly sessions: Repository<SessionRecord> & {
    /**
     * A compare-and-set on the session's sequenceNumber, so that gateway nodes sharing the store
     * never announce one number twice: writes `record` only if the stored record's
     * `info.sequenceNumber` (absent counts as 0) is `expected`, or, with `expected` null, only if no
     * record is stored. The check and the write are one step of the store's write order, as a put.
     * @returns whether `record` was written (false: another write changed or removed the session).
     */
    putIfSequence(record: SessionRecord, expected: number | null): Promise<boolean>;
    findByClientCorrelator(owner: string, clientCorrelator: string): Promise<SessionRecord | undefined>;
    listByRegistration(registrationId: string): Promise<SessionRecord[]>;
    /** Sessions whose status is none of `terminal` (reconciled at start-up), oldest first. */
    listUnfinished(terminal: readonly string[]): Promise<SessionRecord[]>;
  };
  readonly subscriptions: Repository<SubscriptionRecord> & {
    listByOwner(owner: string): Promise<SubscriptionRecord[]>;
    /** Subscriptions whose `config.subscriptionDetail.registrationId` is this one (event matching). */
    listByRegistration(registrationId: string): Promise<SubscriptionRecord[]>;
  };
  /** The SIP dialogs of the call legs in progress, by mediaSessionId (written by the engine). */
  readonly dialogs: Repository<DialogRecord> & {
    /** Every dialog record, oldest write first (start-up: the media anchor spares their calls). */
    list(): Promise<DialogRecord[]>;
    /** The dialog record of this SIP Call-ID, the latest written should two share it (indexed). */
    findByCallId(callId: string): Promise<DialogRecord | undefined>;
  };
  /** Whether the backend answers (for /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
