import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { DocPath } from "./doc-path.ts";

export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Maps document paths to 1-based line and column in a YAML or JSON text: the key's position for
 * object members, the value's for array items. A path that leaves the document stops at the
 * deepest node it reaches.
 */
export function createLocator(text: string): (path: DocPath) => Position {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return (path) => {
    let node = doc.contents as Node | null;
    let offset = node?.range?.[0] ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) break;
        offset = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? offset;
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return at(offset);
  };
}
