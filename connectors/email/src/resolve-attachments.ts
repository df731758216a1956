import { ToolError } from '@mcp-hub/connector-kit';
import type { EmailDeps } from './email-deps';
import { onStore } from './message-lookup';
import { parseAttachmentUri } from './message-uris';
import { parseMessage } from './message-view';
import { clientName } from './client-name';

/** Attachments one message may carry. */
export const MAX_ATTACHMENTS = 10;

/**
 * The bytes of attachments named by this connector's attachment resource URIs
 * (`email://{mailbox}/messages/{uid}/attachments/{index}`), read by the connector from its own
 * store. Nothing else can be attached: no path, no URL, no other connector's resource, so a
 * model can never mail out a local file.
 */
export async function resolveAttachments(deps: EmailDeps, uris: readonly string[], signal?: AbortSignal): Promise<Array<{ filename: string; contentType: string; content: Buffer }>> {
  const resolved: Array<{ filename: string; contentType: string; content: Buffer }> = [];
  let total = 0;
  for (const uri of uris) {
    const ref = parseAttachmentUri(uri);
    if (!ref) {
      throw new ToolError('invalid_arguments', `Attachment ${JSON.stringify(uri.slice(0, 200))} is not an attachment of this mailbox. Only attachment URIs from ${clientName('get_message')} can be attached.`);
    }
    const stored = await onStore(() => deps.store.fetchMessage(ref.mailbox, ref.uid, deps.maxMessageBytes, signal));
    if (!stored) throw new ToolError('not_found', `Attachment ${uri}: there is no message ${ref.uid} in ${ref.mailbox}.`);
    if (stored.source.length < stored.size) throw new ToolError('invalid_arguments', `Attachment ${uri}: the message is too large to read its attachments.`);
    const attachment = (await parseMessage(stored.source)).attachments[ref.index];
    if (!attachment) throw new ToolError('not_found', `Attachment ${uri}: the message has no attachment ${ref.index}.`);
    if (attachment.size > deps.maxAttachmentBytes) throw new ToolError('invalid_arguments', `Attachment ${uri} is ${attachment.size} bytes, over the cap of ${deps.maxAttachmentBytes}.`);
    total += attachment.size;
    if (total > deps.maxAttachmentBytes * 4) throw new ToolError('invalid_arguments', `The attachments add up to more than ${deps.maxAttachmentBytes * 4} bytes.`);
    resolved.push({ filename: sanitizeFilename(attachment.filename ?? `attachment-${ref.index}`), contentType: attachment.contentType, content: attachment.content });
  }
  return resolved;
}

/** A file name safe for a header parameter: no path, no control characters. */
function sanitizeFilename(name: string): string {
  const base = name.replace(/[\0-\x1f\x7f]/g, '').split(/[/\\]/).pop() ?? '';
  return base.slice(0, 200) || 'attachment';
}
