/**
 * Names that read alike. Contract names are `[a-z0-9_]` only, so the look-alikes that matter are
 * ASCII ones: `rn`/`m`, `vv`/`w`, `cl`/`d`, `1`/`l`/`i`, `0`/`o`, `5`/`s`, and underscores
 * moved or dropped. Two names with one skeleton are one name to a reader.
 */
export function nameSkeleton(name: string): string {
  return name.replaceAll('_', '').replaceAll('rn', 'm').replaceAll('vv', 'w').replaceAll('cl', 'd').replace(/[1i]/g, 'l').replaceAll('0', 'o').replaceAll('5', 's');
}

/** The connector part of a qualified name (`github_get_issue` → `github`): connector ids have no underscore. */
function connectorOf(name: string): string {
  return name.slice(0, name.indexOf('_'));
}

/**
 * For each name, the names of other connectors it shadows (same skeleton, different name): a
 * connector announcing `githu6_get_issue` beside `github_get_issue` is found; two tools of one
 * connector are that connector's own business.
 */
export function shadowedNames(names: Iterable<string>): Map<string, string[]> {
  const bySkeleton = new Map<string, string[]>();
  for (const name of names) {
    const skeleton = nameSkeleton(name);
    bySkeleton.set(skeleton, [...(bySkeleton.get(skeleton) ?? []), name]);
  }
  const shadows = new Map<string, string[]>();
  for (const group of bySkeleton.values()) {
    if (group.length < 2) continue;
    for (const name of group) {
      const others = group.filter((other) => other !== name && connectorOf(other) !== connectorOf(name));
      if (others.length > 0) shadows.set(name, others);
    }
  }
  return shadows;
}
