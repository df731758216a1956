import { z } from 'zod';
import { VISIBLE_LINE, findInvisibleCharacter } from '@mcp-hub/connector-kit';

/**
 * Schemas of every value that becomes part of a message header or an IMAP command. A CR or LF
 * in a header value would let a caller add headers (Bcc) or a second message: such input is
 * refused as bad arguments, never cleaned up.
 */
const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/**
 * Free text that goes into a header (subject, display name) or a search: one line of visible
 * text. A line break would inject headers; control, invisible and bidirectional characters
 * would hide text from the person reading the message.
 */
export function headerText(maxChars: number) {
  return z
    .string()
    .max(maxChars)
    .refine((value) => !LINE_BREAK_OR_NUL.test(value), 'must not contain line breaks (CR, LF) or NUL')
    .refine((value) => VISIBLE_LINE.test(value), {
      error: (issue) => `contains the control or invisible character ${typeof issue.input === 'string' ? findInvisibleCharacter(issue.input) : ''}; use one line of visible text`,
    });
}

/**
 * A plain addr-spec, `local@domain.tld`, nothing else: no display name, no comments, no quoted
 * local part, no source routes. Narrower than RFC 5322 on purpose: every address compared to
 * the allowlist is exactly the address the message goes to.
 */
export const EmailAddressSchema = z
  .string()
  .max(254)
  .regex(/^[\w!#$%&'*+/=?^`{|}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$/, 'a plain address such as name@example.com')
  .refine((value) => !value.startsWith('.') && !value.includes('..') && !value.includes('.@'), 'a plain address such as name@example.com')
  .transform((value) => {
    const at = value.lastIndexOf('@');
    return `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
  });

/**
 * A mailbox (folder) name as the server lists it, e.g. `INBOX`, `Sent`, `[Gmail]/All Mail`. No
 * control characters and no IMAP list wildcards; the store refuses names it does not list.
 */
export const MailboxNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\0-\x1f\x7f*%]+$/, 'a mailbox name as email_list_mailboxes shows it (no control characters, * or %)')
  .describe('Mailbox (folder) name, as email_list_mailboxes shows it, e.g. INBOX.');

/** An IMAP UID: a message's number in its mailbox. */
export const UidSchema = z.number().int().min(1).max(4_294_967_295).describe('Message UID in its mailbox.');
