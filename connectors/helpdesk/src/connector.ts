import { defineConnector, type ConnectorDefinition } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from './helpdesk-deps';
import { draftReplyPrompt } from './prompts/draft-reply';
import { triageTicketPrompt } from './prompts/triage-ticket';
import { queueResource } from './resources/queue-resource';
import { ticketResource } from './resources/ticket-resource';
import { addCommentTool } from './tools/add-comment';
import { assignTicketTool } from './tools/assign-ticket';
import { createTicketTool } from './tools/create-ticket';
import { getTicketTool } from './tools/get-ticket';
import { searchTicketsTool } from './tools/search-tickets';
import { transitionTicketTool } from './tools/transition-ticket';
import { bulkTransitionTicketsTool } from './tools/bulk-transition-tickets';
import { updateTicketTool } from './tools/update-ticket';
import { HELPDESK_ID } from './client-name';

/**
 * The helpdesk connector: its tools by toolset, resources and prompts — the table of contents.
 * Which tools a deployment offers (write mode, toolsets, allow, deny) is the kit's business
 * (`exposeTools`, from the `connectors.helpdesk` configuration).
 */
export const helpdeskConnector: ConnectorDefinition<HelpdeskDeps> = defineConnector<HelpdeskDeps>({
  id: HELPDESK_ID,
  version: '0.1.0',
  title: 'Helpdesk',
  description: 'Support tickets: search and read tickets and comments; in write mode, create, update, comment, assign and move them through the workflow.',
  toolsets: {
    tickets: [searchTicketsTool, getTicketTool, createTicketTool, updateTicketTool],
    comments: [addCommentTool],
    workflow: [transitionTicketTool, bulkTransitionTicketsTool, assignTicketTool],
  },
  resources: [queueResource],
  resourceTemplates: [ticketResource],
  prompts: [triageTicketPrompt, draftReplyPrompt],
});
