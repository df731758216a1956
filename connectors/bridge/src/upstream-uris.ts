/**
 * Maps upstream resource URIs into the connector's own scheme, `<id>://`, which the hub requires
 * (it routes a URI to the connector its scheme names; see `foreignResource`), and back.
 *
 * `scheme://rest` becomes `<id>://scheme/rest` and `scheme:rest` (no `//`) becomes
 * `<id>://scheme:rest`: reversible, readable (`fs://file//tmp/notes.txt` is `file:///tmp/notes.txt`),
 * and a template keeps its variables (`demo://items/{id}` → `everything://demo/items/{id}`).
 */
export class UpstreamUris {
  private readonly own: string;

  constructor(id: string) {
    this.own = `${id}://`;
  }

  /** The hub's URI for an upstream URI or template; undefined when it does not start with a scheme. */
  wrap(uri: string): string | undefined {
    const colon = uri.indexOf(':');
    if (colon < 1 || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(uri.slice(0, colon))) return undefined;
    const scheme = uri.slice(0, colon);
    const rest = uri.slice(colon + 1);
    return rest.startsWith('//') ? `${this.own}${scheme}/${rest.slice(2)}` : `${this.own}${scheme}:${rest}`;
  }

  /** The upstream URI of a hub URI made by {@link wrap}; undefined for anything else. */
  unwrap(uri: string): string | undefined {
    if (!uri.startsWith(this.own)) return undefined;
    const inner = uri.slice(this.own.length);
    const slash = inner.indexOf('/');
    const colon = inner.indexOf(':');
    const cut = slash < 0 ? colon : colon < 0 ? slash : Math.min(slash, colon);
    if (cut < 1 || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(inner.slice(0, cut))) return undefined;
    const scheme = inner.slice(0, cut);
    const rest = inner.slice(cut + 1);
    return inner[cut] === '/' ? `${scheme}://${rest}` : `${scheme}:${rest}`;
  }
}
