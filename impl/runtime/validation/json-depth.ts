/**
 * Whether a parsed JSON value nests objects and arrays deeper than `maxDepth` levels (the top-level
 * object or array is level 1; strings, numbers, booleans and null add none). Iterative, so that
 * the check itself cannot overflow the stack on the input it exists to refuse.
 */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, depth] = entry;
    if (typeof node !== "object" || node === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
