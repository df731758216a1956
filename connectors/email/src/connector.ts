import { defineConnector, type ConnectorDefinition } from '@mcp-hub/connector-kit';
import { EMAIL_ID } from './client-name';
import type { EmailDeps } from './email-deps';
import { draftCustomerReplyPrompt } from './prompts/draft-customer-reply';
import { attachmentResource } from './resources/attachment-resource';
import { mailboxResource } from './resources/mailbox-resource';
import { messageResource } from './resources/message-resource';
import { createDraftTool } from './tools/create-draft';
import { getMessageTool } from './tools/get-message';
import { getThreadTool } from './tools/get-thread';
import { listMailboxesTool } from './tools/list-mailboxes';
import { markMessageTool } from './tools/mark-message';
import { moveMessageTool } from './tools/move-message';
import { replyToMessageTool } from './tools/reply-to-message';
import { searchMessagesTool } from './tools/search-messages';
import { sendEmailTool } from './tools/send-email';

/**
 * The email connector: its tools by toolset, resources and prompts — the table of contents.
 * Write tools (drafts, sending, organizing) are offered only in write mode (the kit's
 * `exposeTools`, from the `connectors.email` configuration).
 */
export const emailConnector: ConnectorDefinition<EmailDeps> = defineConnector<EmailDeps>({
  id: EMAIL_ID,
  version: '0.1.0',
  title: 'Email',
  description: 'A support mailbox: list, search and read messages and threads; in write mode, save drafts, send and reply to allowed recipients, move and mark messages.',
  toolsets: {
    read: [listMailboxesTool, searchMessagesTool, getMessageTool, getThreadTool],
    drafts: [createDraftTool],
    send: [sendEmailTool, replyToMessageTool],
    organize: [moveMessageTool, markMessageTool],
  },
  resourceTemplates: [messageResource, mailboxResource, attachmentResource],
  prompts: [draftCustomerReplyPrompt],
});
