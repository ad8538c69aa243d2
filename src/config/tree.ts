// The parameter table as a tree of object keys (the dotted paths split), the shape every
// configuration object has. Shared by the zod schemas (schemas.ts), the quick check
// (quick-check.ts) and the error lines (validate.ts); it needs no zod.

import { PARAMS, type ParamSpec } from "./params.js";

/** The parameter table as a tree of object keys. */
export type Tree = { [k: string]: Tree | ParamSpec };
export const isSpec = (x: Tree | ParamSpec): x is ParamSpec =>
  typeof (x as ParamSpec).kind === "string" && typeof (x as ParamSpec).path === "string";

/** The tree (null-prototype objects: no inherited names such as "constructor" are found in it). */
export const TREE: Tree = (() => {
  const root: Tree = Object.create(null) as Tree;
  for (const p of PARAMS) {
    const parts = p.path.split(".");
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const k = parts[i]!;
      if (!Object.hasOwn(node, k)) node[k] = Object.create(null) as Tree;
      node = node[k] as Tree;
    }
    node[parts[parts.length - 1]!] = p;
  }
  return root;
})();

/** The tree node at a path of object keys, or undefined. */
export function nodeAt(path: readonly PropertyKey[]): Tree | ParamSpec | undefined {
  let node: Tree | ParamSpec = TREE;
  for (const k of path) {
    if (isSpec(node) || typeof k !== "string" || !Object.hasOwn(node, k)) return undefined;
    node = node[k]!;
  }
  return node;
}

/** Top-level keys a config file may hold besides the parameters. */
export const META_KEYS = ["preset", "$schema"] as const;
