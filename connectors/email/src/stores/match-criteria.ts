import type { AddressObject, ParsedMail } from 'mailparser';
import type { SearchCriteria } from '../mail-store';

/**
 * Whether a parsed message meets search criteria the way an IMAP server's SEARCH decides it:
 * case-insensitive substrings, SINCE and BEFORE on the received day (UTC), TEXT anywhere in the
 * message. The Maildir store's search; an IMAP store lets the server search.
 */
export function matchesCriteria(mail: ParsedMail, message: { flags: readonly string[]; receivedAt: Date; source: Buffer }, criteria: SearchCriteria): boolean {
  if (criteria.unseen && message.flags.includes('\\Seen')) return false;
  if (criteria.from !== undefined && !contains(addressText(mail.from), criteria.from)) return false;
  if (criteria.to !== undefined && !contains([addressText(mail.to), addressText(mail.cc)].join('\n'), criteria.to)) return false;
  if (criteria.subject !== undefined && !contains(mail.subject ?? '', criteria.subject)) return false;
  const day = utcDay(message.receivedAt);
  if (criteria.since !== undefined && day < utcDay(criteria.since)) return false;
  if (criteria.before !== undefined && day >= utcDay(criteria.before)) return false;
  if (criteria.header !== undefined) {
    const name = criteria.header.name.toLowerCase();
    const lines = mail.headerLines.filter((line) => line.key === name).map((line) => line.line);
    if (!lines.some((line) => contains(line.slice(line.indexOf(':') + 1), criteria.header!.value))) return false;
  }
  if (criteria.text !== undefined) {
    const haystack = [mail.headerLines.map((l) => l.line).join('\n'), mail.text ?? '', typeof mail.html === 'string' ? mail.html : ''].join('\n');
    if (!contains(haystack, criteria.text)) return false;
  }
  return true;
}

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

function addressText(header: AddressObject | AddressObject[] | undefined): string {
  if (!header) return '';
  return (Array.isArray(header) ? header : [header]).map((h) => h.value.map((a) => `${a.name} <${a.address ?? ''}>`).join(', ')).join(', ');
}

function utcDay(date: Date): number {
  return Math.floor(date.getTime() / 86_400_000);
}
