/**
 * The gateway nodes of a cluster (README "Running several gateways") as a dispatcher set of the
 * lab's Kamailio: set 1, each node's SIP address, probed with OPTIONS every second. An in-dialog
 * request whose next hop (the Request-URI after loose_route, RFC 3261 §16.12) is a node the probing
 * marked inactive goes to a live node of the set instead; that node took the dead node's calls over
 * from the shared store (impl/cluster) and answers for the dialog whatever the Request-URI's host.
 * The survivors split a dead node's calls, so a live node that does not hold the dialog answers 500
 * (another live node carries it; impl/engine/sip/unmatched-dialog-requests.ts) or 481 (nobody does)
 * and the request is tried at the next live node (dispatcher failover, flags 2).
 */

/** Dispatcher set of the gateway nodes. */
export const GATEWAY_NODES_SET = 1;

/** The dispatcher list file: one `setid destination` line per node, e.g. `sip:gw@127.0.0.1:5071;transport=tcp`. */
export function dispatcherList(nodes: readonly string[]): string {
  return `${nodes.map((uri) => `${GATEWAY_NODES_SET} ${uri}`).join("\n")}\n`;
}

/**
 * Module and parameters: every node pinged each second, inactive after one failed ping, active again
 * after one answer; the other live nodes kept for failover (flags 2).
 */
export function gatewayNodesModule(o: { readonly listFile: string; readonly domain: string }): string {
  return `loadmodule "dispatcher.so"
modparam("dispatcher", "list_file", "${o.listFile}")
modparam("dispatcher", "flags", 2)
modparam("dispatcher", "ds_ping_interval", 1)
modparam("dispatcher", "ds_probing_mode", 1)
modparam("dispatcher", "ds_probing_threshold", 1)
modparam("dispatcher", "ds_inactive_threshold", 1)
modparam("dispatcher", "ds_ping_from", "sip:dispatcher@${o.domain}")
`;
}

/**
 * route[GATEWAY_NODE], called after loose_route: ds_is_from_list mode 2 matches IP and port (any
 * protocol, any state), mode 6 also requires the node to be active. failure_route[GATEWAY_NODE_FAILED]:
 * 481 (RFC 3261 §12.2.2: "If the UAS wishes to reject the request because it does not wish to
 * recreate the dialog, it MUST respond to the request with a 481"), 500 (a node that knows another
 * live node carries the dialog) or no answer from a node chosen here: the next live node.
 */
export const GATEWAY_NODE_ROUTE = `
route[GATEWAY_NODE] {
    if (isdsturiset()) $var(hop) = $du; else $var(hop) = $ru;
    if (!ds_is_from_list("${GATEWAY_NODES_SET}", "2", "$var(hop)")) return;
    if (ds_is_from_list("${GATEWAY_NODES_SET}", "6", "$var(hop)")) return;
    if (!ds_select_dst("${GATEWAY_NODES_SET}", "4")) {
        sl_send_reply("503", "No gateway node alive");
        exit;
    }
    xlog("L_INFO", "$rm for inactive gateway node $var(hop) sent to $du\\n");
    t_on_failure("GATEWAY_NODE_FAILED");
}

failure_route[GATEWAY_NODE_FAILED] {
    if (t_is_canceled()) exit;
    if (!t_check_status("481|408|477|500|503")) exit;
    if (!ds_next_dst()) exit;
    xlog("L_INFO", "$rm refused by a gateway node ($T_reply_code), tried at $du\\n");
    t_on_failure("GATEWAY_NODE_FAILED");
    t_relay();
}
`;
