/**
 * RFC 6570 level-1 URI templates (`helpdesk://tickets/{id}`): enough for resource templates,
 * where each variable is one path segment or query value.
 */
export class UriTemplate {
  readonly variables: string[];
  private readonly pattern: RegExp;

  constructor(readonly template: string) {
    this.variables = [];
    let source = '';
    let rest = template;
    for (let match = /\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest); match; match = /\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest)) {
      source += escapeRegExp(rest.slice(0, match.index)) + '([^/?#&]+)';
      this.variables.push(match[1]!);
      rest = rest.slice(match.index + match[0].length);
    }
    if (/[{}]/.test(rest)) throw new Error(`unsupported URI template: ${template}`);
    this.pattern = new RegExp(`^${source}${escapeRegExp(rest)}$`);
  }

  /** The variables of a URI made from this template, decoded; undefined when the URI does not fit. */
  match(uri: string): Record<string, string> | undefined {
    const found = this.pattern.exec(uri);
    if (!found) return undefined;
    const values: Record<string, string> = {};
    try {
      this.variables.forEach((name, i) => {
        values[name] = decodeURIComponent(found[i + 1]!);
      });
    } catch {
      return undefined;
    }
    return values;
  }

  /** Builds a URI from values (each encoded as one segment). */
  expand(values: Record<string, string | number>): string {
    return this.template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => encodeURIComponent(String(values[name] ?? '')));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
