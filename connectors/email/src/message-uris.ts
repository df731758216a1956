import { UriTemplate, type HandlerContext } from '@mcp-hub/connector-kit';

/** One message as JSON (headers, cleaned text, attachment list). */
export const MESSAGE_URI_TEMPLATE = 'email://{mailbox}/messages/{uid}';
/** The newest messages of a mailbox; subscribe to it to hear of new mail. */
export const MAILBOX_URI_TEMPLATE = 'email://{mailbox}/messages';
/** One attachment's bytes, within the configured size cap. */
export const ATTACHMENT_URI_TEMPLATE = 'email://{mailbox}/messages/{uid}/attachments/{index}';

const message = new UriTemplate(MESSAGE_URI_TEMPLATE);
const mailbox = new UriTemplate(MAILBOX_URI_TEMPLATE);
const attachment = new UriTemplate(ATTACHMENT_URI_TEMPLATE);

export function messageUri(box: string, uid: number): string {
  return message.expand({ mailbox: box, uid });
}

export function mailboxUri(box: string): string {
  return mailbox.expand({ mailbox: box });
}

export function attachmentUri(box: string, uid: number, index: number): string {
  return attachment.expand({ mailbox: box, uid, index });
}

/** The parts of an attachment URI of this connector, or undefined for any other URI. */
export function parseAttachmentUri(uri: string): { mailbox: string; uid: number; index: number } | undefined {
  const params = attachment.match(uri);
  if (!params) return undefined;
  const uid = positiveInteger(params.uid);
  const index = /^\d{1,4}$/.test(params.index ?? '') ? Number(params.index) : undefined;
  if (uid === undefined || index === undefined || !params.mailbox) return undefined;
  return { mailbox: params.mailbox, uid, index };
}

/** A UID from a URI segment: digits only, 1 to 2^32-1. */
export function positiveInteger(value: string | undefined): number | undefined {
  if (!value || !/^[1-9]\d{0,9}$/.test(value)) return undefined;
  const number = Number(value);
  return number <= 4_294_967_295 ? number : undefined;
}

/** The resource link a tool result carries for a message. */
export function messageLink(box: string, uid: number): { uri: string; name: string; title: string; mimeType: string } {
  return { uri: messageUri(box, uid), name: `message-${uid}`, title: `Message ${uid} in ${box}`, mimeType: 'application/json' };
}

/** Tells subscribers that a mailbox's list, and one message in it, changed. Every write tool calls it. */
export function publishMessageChanged(ctx: HandlerContext, box: string, uid?: number): void {
  if (uid !== undefined) ctx.resourceUpdated(messageUri(box, uid));
  ctx.resourceUpdated(mailboxUri(box));
}
