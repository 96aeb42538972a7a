/**
 * The gateway nodes of a cluster (README "Running several gateways") as a dispatcher set of
 * Kamailio: set 1, each node's SIP address, probed with OPTIONS. An in-dialog request whose next hop
 * (the Request-URI after loose_route, RFC 3261 §16.12) is a node the probing marked inactive, or a
 * node that fails that very request (refused connection, no answer in time), goes to a live node of
 * the set instead; that node took the dead node's calls over from the shared store
 * (impl/cluster) and answers for the dialog whatever the Request-URI's host. The survivors split a
 * dead node's calls, so a live node that does not hold the dialog answers 500 (another live node
 * carries it; impl/engine/sip/unmatched-dialog-requests.ts) or 481 (nobody does) and the request is
 * tried at the next live node (dispatcher failover, flags 2).
 *
 * The one source of these lines for both configurations that use them: the lab's Kamailio
 * (kamailio-cfg.ts) and the production SIP edge (deploy/kamailio, rendered by scripts/edge/render-edge.ts).
 */

/** Dispatcher set of the gateway nodes. */
export const GATEWAY_NODES_SET = 1;

/**
 * A node's entry in the dispatcher list, written the way route[GATEWAY_NODE] rebuilds it from an
 * in-dialog Request-URI (`scheme:[user@]host:port;transport=t`, port 5060 and transport udp when
 * absent, transport in lower case): Kamailio's ds_is_active compares the URI byte for byte.
 */
export function nodeEntry(uri: string): string {
  const m = /^(sips?):(?:([^@;]+)@)?([^:;]+)(?::(\d+))?(;.*)?$/.exec(uri);
  if (!m) throw new Error(`not a gateway node SIP URI: ${uri}`);
  const [, scheme, user, host, port, params] = m;
  const transport = /;transport=([^;]+)/i.exec(params ?? "")?.[1]?.toLowerCase() ?? "udp";
  return `${scheme}:${user ? `${user}@` : ""}${host}:${port ?? 5060};transport=${transport}`;
}

/** The dispatcher list file: one `setid destination` line per node, e.g. `sip:gw@127.0.0.1:5071;transport=tcp`. */
export function dispatcherList(nodes: readonly string[]): string {
  return `${nodes.map((uri) => `${GATEWAY_NODES_SET} ${nodeEntry(uri)}`).join("\n")}\n`;
}

/** How the nodes are probed with OPTIONS (dispatcher's ds_ping_interval and thresholds). */
export interface GatewayNodesProbing {
  /** Seconds between two pings of every node (ds_ping_interval). */
  readonly intervalSec: number;
  /** Failed pings in a row before a node is inactive (ds_probing_threshold). */
  readonly failuresToInactive: number;
  /** Answered pings in a row before an inactive node is active again (ds_inactive_threshold). */
  readonly repliesToActive: number;
}

/** The lab's probing: a dead node is inactive after one failed ping, a second at most. */
export const LAB_PROBING: GatewayNodesProbing = { intervalSec: 1, failuresToInactive: 1, repliesToActive: 1 };

/**
 * The dispatcher's parameters: every node pinged (probing mode 1) each `intervalSec`; the other
 * live nodes kept for failover (flags 2). `listFile` and `domain` are written into string literals
 * and must hold no quote or backslash.
 */
export function gatewayNodesParams(o: {
  readonly listFile: string;
  readonly domain: string;
  readonly probing: GatewayNodesProbing;
}): string {
  return `modparam("dispatcher", "list_file", "${o.listFile}")
modparam("dispatcher", "flags", 2)
modparam("dispatcher", "ds_ping_interval", ${o.probing.intervalSec})
modparam("dispatcher", "ds_probing_mode", 1)
modparam("dispatcher", "ds_probing_threshold", ${o.probing.failuresToInactive})
modparam("dispatcher", "ds_inactive_threshold", ${o.probing.repliesToActive})
modparam("dispatcher", "ds_ping_from", "sip:dispatcher@${o.domain}")
loadmodule "jsonrpcs.so"
modparam("jsonrpcs", "transport", 1)
`;
}

/** The module and its parameters, for a configuration that loads dispatcher only for the nodes (the lab's). */
export function gatewayNodesModule(o: Parameters<typeof gatewayNodesParams>[0]): string {
  return `loadmodule "dispatcher.so"\n${gatewayNodesParams(o)}`;
}

/** The statement WITHINDLG runs after loose_route (and the alias handling), before relaying. */
export const GATEWAY_NODE_CALL = "route(GATEWAY_NODE);";

/**
 * What route[RELAY] runs when its t_relay fails at once (a node that refuses the TCP connection:
 * Kamailio 5.6 connects on the first send, and tm gives no failure_route for it), before its own
 * error reply: the request goes to a live node and the route exits, unless it was not for a node.
 */
export const GATEWAY_NODE_UNSENT_CALL = "route(GATEWAY_NODE_UNSENT);";

/**
 * How long (tm's fr_timer, ms) a gateway node has to answer an in-dialog request before it counts
 * as dead (marked inactive) and the request goes to a live node. A live node answers a BYE or INFO
 * in milliseconds, and an INVITE with a 100 (RFC 3261 §17.2.1: "the server transaction MUST
 * generate a 100 (Trying) response unless it knows that the TU will generate a provisional or final
 * response within 200 ms"); a node gone without a TCP reset (UDP, a host down) costs this much.
 */
export const GATEWAY_NODE_TIMEOUT_MS = 4000;

/** The request to the dispatcher's RPC that marks `$var(dead)` inactive (and probed) in set 1. */
const MARK_INACTIVE = `jsonrpc_exec("{\\"jsonrpc\\": \\"2.0\\", \\"method\\": \\"dispatcher.set_state\\", \\"params\\": [\\"ip\\", ${GATEWAY_NODES_SET}, \\"$var(dead)\\"], \\"id\\": 1}")`;

/**
 * route[GATEWAY_NODE], called after loose_route: ds_is_from_list mode 2 matches IP and port (any
 * protocol, any state); ds_is_active then finds the node's entry ({@link nodeEntry}) among the
 * active ones (Kamailio 5.6's ds_is_from_list has no mode for the state). A request for an active
 * node goes to it; for an inactive one, to a live node (ds_select_dst). Either way a node that does
 * not take the request (refused connection, no answer within {@link GATEWAY_NODE_TIMEOUT_MS}) is
 * marked inactive at once — the named node through the dispatcher's RPC (ds_mark_dst knows only
 * nodes ds_select_dst chose), a chosen one with ds_mark_dst — and the request goes to the next live
 * node; a chosen node answering 481 (RFC 3261 §12.2.2: "If the UAS wishes to reject the request
 * because it does not wish to recreate the dialog, it MUST respond to the request with a 481"), 500
 * (it knows another live node carries the dialog) or 503 passes it on to the next live node too. The named node's own answers go back as they are: a
 * live node holding the dialog is its authority. The node and the choice live in `$avp`s, which tm
 * keeps with the transaction for its failure_route (a `$var` is the process's own).
 */
export const GATEWAY_NODE_ROUTE = `
route[GATEWAY_NODE] {
    if (isdsturiset()) $var(hop) = $du; else $var(hop) = $ru;
    if (!ds_is_from_list("${GATEWAY_NODES_SET}", "2", "$var(hop)")) return;
    $var(node) = $(var(hop){uri.scheme}) + ":";
    if ($(var(hop){uri.user}{s.len}) > 0) $var(node) = $var(node) + $(var(hop){uri.user}) + "@";
    $var(port) = $(var(hop){uri.port});
    if ($(var(port){s.len}) == 0) $var(port) = "5060";
    $var(transport) = $(var(hop){uri.transport}{s.tolower});
    if ($(var(transport){s.len}) == 0) $var(transport) = "udp";
    $var(node) = $var(node) + $(var(hop){uri.host}) + ":" + $var(port) + ";transport=" + $var(transport);
    $avp(gw_hop) = 1;
    t_set_fr(0, ${GATEWAY_NODE_TIMEOUT_MS});
    t_set_disable_internal_reply("1");
    t_on_failure("GATEWAY_NODE_FAILED");
    if (ds_is_active("${GATEWAY_NODES_SET}", "$var(node)")) {
        $avp(gw_named) = $var(node);
        return;
    }
    if (!ds_select_dst("${GATEWAY_NODES_SET}", "4")) {
        sl_send_reply("503", "No gateway node alive");
        exit;
    }
    xlog("L_INFO", "$rm for inactive gateway node $var(node) sent to $du (Call-ID $ci)\\n");
}

# The node the request just went to took nothing: marked inactive, and the next live node chosen.
route[GATEWAY_NODE_DEAD] {
    if ($avp(gw_named) != $null) {
        $var(dead) = $avp(gw_named);
        $avp(gw_named) = $null;
        ${MARK_INACTIVE};
        if (!ds_select_dst("${GATEWAY_NODES_SET}", "4")) return -1;
    } else {
        $var(dead) = $du;
        ds_mark_dst("ip");
        if (!ds_next_dst()) return -1;
    }
    xlog("L_INFO", "$rm not delivered to gateway node $var(dead), marked inactive, tried at $du (Call-ID $ci)\\n");
    return 1;
}

route[GATEWAY_NODE_UNSENT] {
    if ($avp(gw_hop) == $null) return;
    while (route(GATEWAY_NODE_DEAD)) {
        if (t_relay()) exit;
    }
    send_reply("503", "No gateway node alive");
    exit;
}

failure_route[GATEWAY_NODE_FAILED] {
    if (t_is_canceled()) exit;
    # reply_type 1: tm's own reply (408 when the node answered nothing in time); 0: the node's.
    if ($T(reply_type) == 1) {
        if (!route(GATEWAY_NODE_DEAD)) exit;
    } else {
        if ($avp(gw_named) != $null || !t_check_status("481|500|503")) exit;
        if (!ds_next_dst()) exit;
        xlog("L_INFO", "$rm refused by a gateway node ($T_reply_code), tried at $du (Call-ID $ci)\\n");
    }
    t_on_failure("GATEWAY_NODE_FAILED");
    while (!t_relay()) {
        if (!route(GATEWAY_NODE_DEAD)) exit;
    }
}
`;
