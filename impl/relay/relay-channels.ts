import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { RelayEntry, RelayStore } from "./relay-store.ts";

/** A socket on a channel: the last cursor it was sent, and whether its replay is done. */
export interface Member {
  readonly socket: WebSocket;
  sent: number;
  ready: boolean;
}

/**
 * The open sockets of each relay channel and what each was sent: every cursor goes out once, in
 * order. A socket behind (a notification out of order, or stored on another node) is caught up from
 * the store, one read per channel at a time.
 */
export function relayChannels(store: RelayStore, logger: Logger) {
  const live = new Map<string, Set<Member>>();
  /** Channels whose sockets are being caught up from the store (true: read again when done). */
  const pulling = new Map<string, boolean>();

  /** Sends an entry to a socket that has everything before it; anything else is skipped. */
  function deliver(member: Member, entry: RelayEntry): boolean {
    if (entry.cursor !== member.sent + 1) return entry.cursor <= member.sent;
    member.socket.send(`{"type":"event","cursor":${entry.cursor},"event":${entry.body}}`);
    member.sent = entry.cursor;
    return true;
  }

  /**
   * Sends what the store returned after `member.sent`. The store commits a channel's notifications in
   * cursor order, so a gap at the start means older ones were pruned (replay limit): they are skipped.
   */
  function deliverStored(member: Member, entries: readonly RelayEntry[]) {
    const first = entries.find((e) => e.cursor > member.sent);
    if (first && first.cursor > member.sent + 1) member.sent = first.cursor - 1;
    for (const entry of entries) deliver(member, entry);
  }

  /** Catches the channel's sockets up from the store. */
  function pull(channelId: string) {
    if (pulling.has(channelId)) {
      pulling.set(channelId, true);
      return;
    }
    pulling.set(channelId, false);
    void (async () => {
      do {
        pulling.set(channelId, false);
        const members = [...(live.get(channelId) ?? [])].filter((m) => m.ready);
        if (members.length === 0) return;
        const entries = await store.since(channelId, Math.min(...members.map((m) => m.sent)));
        for (const member of members) deliverStored(member, entries);
      } while (pulling.get(channelId));
    })()
      .catch((err: unknown) => logger.error({ err, channelId }, "relay catch-up failed"))
      .finally(() => pulling.delete(channelId));
  }

  return {
    /**
     * The socket joins the channel before its replay is read: a notification stored meanwhile is then
     * either in the replay or announced after it. It gets nothing until {@link replayed}.
     */
    join(channelId: string, socket: WebSocket): Member {
      const member: Member = { socket, sent: Number.MAX_SAFE_INTEGER, ready: false };
      const members = live.get(channelId) ?? new Set();
      members.add(member);
      live.set(channelId, members);
      socket.once("close", () => {
        members.delete(member);
        if (members.size === 0 && live.get(channelId) === members) live.delete(channelId);
      });
      return member;
    },
    /** Sends the member its replay (the entries after `from`), then what was stored meanwhile. */
    replayed(channelId: string, member: Member, from: number, replay: readonly RelayEntry[]): void {
      member.sent = from;
      deliverStored(member, replay);
      member.ready = true;
      pull(channelId);
    },
    /** A stored notification for the channel's sockets (in cursor order, each once). */
    push(channelId: string, cursor: number, body: string): void {
      let behind = false;
      for (const member of live.get(channelId) ?? [])
        if (member.ready && !deliver(member, { cursor, body })) behind = true;
      if (behind) pull(channelId);
    },
    /** A notification stored on another node (`cursor`): the channel's sockets here catch up. */
    announced(channelId: string, cursor: number): void {
      const members = [...(live.get(channelId) ?? [])];
      if (members.some((m) => m.ready && m.sent < cursor)) pull(channelId);
    },
    /** Catches every socket up (notifications from other nodes may have been missed). */
    catchUp(): void {
      for (const channelId of live.keys()) pull(channelId);
    },
  };
}
