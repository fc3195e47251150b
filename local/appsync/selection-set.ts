import { Kind, print, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * At most this many paths are listed. Aliases multiply through fragments (three fragments of 100
 * aliases each, 5 KB of query, make a million paths), and the list crosses into the resolver
 * sandbox as JSON on every handler call; AWS documents no bound, so this is the local runtime's.
 */
export const MAX_SELECTION_PATHS = 10_000;

/**
 * At most this many selections are visited. Selections that add no path (`__typename`, a name
 * listed already) do not bring the path bound nearer: 10,000 aliased prefixes each spreading a
 * fragment of 4,000 aliased `__typename`s (a valid 75 KB query, within PARSE_LIMITS) took 0.8 s
 * of the event loop for every request that sent it; 16 ms with this bound.
 */
export const MAX_SELECTION_STEPS = 10 * MAX_SELECTION_PATHS;

/**
 * ctx.info.selectionSetList ("a", "a/b") with fragments flattened and aliased fields by their alias
 * only, and selectionSetGraphQL with named fragments left as spreads, as AWS documents both.
 */
export function selectionSetOf(info: GraphQLResolveInfo): { list: string[]; graphql: string } {
  const list = new Set<string>();
  let steps = 0;
  // A named fragment spread again at the same path adds nothing new: walked once, so that
  // `fragment A { ...B ...B }`, B { ...C ...C }, ... costs a step per fragment, not 2^depth.
  const walkedSpreads = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, prefix: string) => {
    for (const selection of set?.selections ?? []) {
      if (list.size >= MAX_SELECTION_PATHS || (steps += 1) > MAX_SELECTION_STEPS) return;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const name = `${prefix}${(selection.alias ?? selection.name).value}`;
        list.add(name);
        walk(selection.selectionSet, `${name}/`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, prefix);
      else if (!walkedSpreads.has(`${prefix}...${selection.name.value}`)) {
        walkedSpreads.add(`${prefix}...${selection.name.value}`);
        walk(info.fragments[selection.name.value]?.selectionSet, prefix);
      }
    }
  };
  // A field selected twice under one response name (`a { x } a { y }`) is one field whose
  // selections merge: each node's part is listed and printed.
  const printed: string[] = [];
  for (const node of info.fieldNodes) {
    walk(node.selectionSet, '');
    if (node.selectionSet) printed.push(print(node.selectionSet));
  }
  return { list: [...list], graphql: printed.join('\n') };
}
