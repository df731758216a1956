import { ToolError } from '@mcp-hub/connector-kit';

/**
 * Who the connector may send to: exact addresses (`pat@example.com`) and whole domains
 * (`example.com` or `@example.com`, that domain only, not its subdomains). Case-insensitive on
 * the domain, exact on the local part. An empty list allows no one: sending fails closed.
 */
export class RecipientAllowlist {
  private readonly addresses = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      if (entry.includes('@') && !entry.startsWith('@')) this.addresses.add(normalize(entry));
      else this.domains.add(entry.replace(/^@/, '').toLowerCase());
    }
  }

  allows(address: string): boolean {
    const normalized = normalize(address);
    return this.addresses.has(normalized) || this.domains.has(normalized.slice(normalized.lastIndexOf('@') + 1));
  }

  /** @throws ToolError `forbidden` naming every recipient outside the list; nothing is sent then. */
  check(recipients: readonly string[]): void {
    const refused = [...new Set(recipients.filter((r) => !this.allows(r)))];
    if (refused.length === 0) return;
    throw new ToolError('forbidden', `Not an allowed recipient: ${refused.join(', ')}. This connector sends only to the addresses and domains its operator allowed; nothing was sent.`);
  }
}

function normalize(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
}
