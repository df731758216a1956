import { defineConnector, type ConnectorDefinition, type ToolDefinition } from '@mcp-hub/connector-kit';
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
import { updateTicketTool } from './tools/update-ticket';
import { HELPDESK_ID } from './client-name';

/** The helpdesk's tools by toolset, read tools first. Write tools exist only in write mode. */
export const HELPDESK_TOOLSETS = {
  tickets: [searchTicketsTool, getTicketTool, createTicketTool, updateTicketTool],
  comments: [addCommentTool],
  workflow: [transitionTicketTool, assignTicketTool],
} satisfies Record<string, ToolDefinition<HelpdeskDeps>[]>;

export type HelpdeskToolset = keyof typeof HELPDESK_TOOLSETS;
export const HELPDESK_TOOLSET_NAMES = Object.keys(HELPDESK_TOOLSETS) as [HelpdeskToolset, ...HelpdeskToolset[]];
export const HELPDESK_TOOL_NAMES: string[] = Object.values(HELPDESK_TOOLSETS).flatMap((tools) => tools.map((t) => t.descriptor.name));

export interface HelpdeskConnectorOptions {
  /** Registers the write tools. Off by default; beats `allow`. */
  writeMode: boolean;
  /** Toolsets to offer; all when omitted. */
  toolsets?: readonly HelpdeskToolset[];
  /** When given, only these tools (still subject to write mode and `deny`). */
  allow?: readonly string[];
  /** Never these tools; wins over `allow`. */
  deny?: readonly string[];
}

/** The helpdesk connector: its tools, resources and prompts — the table of contents. */
export function createHelpdeskConnector(options: HelpdeskConnectorOptions): ConnectorDefinition<HelpdeskDeps> {
  const toolsets = options.toolsets ?? HELPDESK_TOOLSET_NAMES;
  for (const name of [...(options.allow ?? []), ...(options.deny ?? [])]) {
    if (!HELPDESK_TOOL_NAMES.includes(name)) throw new Error(`unknown helpdesk tool "${name}"; known tools: ${HELPDESK_TOOL_NAMES.join(', ')}`);
  }
  const tools = toolsets
    .flatMap((toolset) => HELPDESK_TOOLSETS[toolset] as ToolDefinition<HelpdeskDeps>[])
    .filter((tool) => options.writeMode || tool.descriptor.annotations.readOnlyHint)
    .filter((tool) => !options.allow || options.allow.includes(tool.descriptor.name))
    .filter((tool) => !options.deny?.includes(tool.descriptor.name))
    .sort((a, b) => Number(b.descriptor.annotations.readOnlyHint) - Number(a.descriptor.annotations.readOnlyHint));
  return defineConnector<HelpdeskDeps>({
    id: HELPDESK_ID,
    version: '0.1.0',
    title: 'Helpdesk',
    description: 'Support tickets: search and read tickets and comments; in write mode, create, update, comment, assign and move them through the workflow.',
    tools,
    resources: [queueResource],
    resourceTemplates: [ticketResource],
    prompts: [triageTicketPrompt, draftReplyPrompt],
  });
}
