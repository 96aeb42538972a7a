import type { SrvRecord } from "./sip-dns.ts";

/**
 * RFC 2782 target selection: lowest priority first; within one priority, records are picked one by
 * one at random in proportion to their weight ("a weight of 0 ... should have a very small chance
 * of being selected"; zero-weight records are placed first in the running sum, as the RFC says).
 * A single SRV of target "." means the service is decidedly not available.
 *
 * @param random uniform in [0, 1), injectable for tests.
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  if (records.length === 1 && records[0]?.name === ".") return [];
  const byPriority = new Map<number, SrvRecord[]>();
  for (const record of records) {
    if (record.name === "." || record.name === "") continue;
    byPriority.set(record.priority, [...(byPriority.get(record.priority) ?? []), record]);
  }
  const ordered: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const pool = [...(byPriority.get(priority) ?? [])].sort((a, b) => a.weight - b.weight);
    while (pool.length > 0) {
      const total = pool.reduce((sum, r) => sum + r.weight, 0);
      const pick = Math.floor(random() * (total + 1));
      let running = 0;
      let index = pool.findIndex((r) => {
        running += r.weight;
        return running >= pick;
      });
      if (index < 0) index = pool.length - 1;
      ordered.push(...pool.splice(index, 1));
    }
  }
  return ordered;
}
