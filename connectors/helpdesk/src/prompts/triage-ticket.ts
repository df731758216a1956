import { z } from 'zod';
import { definePrompt } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { TicketPrioritySchema } from '../ticket';
import { PromptTicketIdSchema, UNTRUSTED_NOTICE, completeTicketId, ticketForPrompt } from './ticket-for-prompt';
import { clientName } from '../client-name';

const TriageArgs = z.object({ id: PromptTicketIdSchema });

export const triageTicketPrompt = definePrompt<HelpdeskDeps, typeof TriageArgs>({
  name: 'triage_ticket',
  title: 'Triage a ticket',
  description: 'Asks the model to set priority, tags, owner and next status of a ticket, with the ticket embedded as untrusted content.',
  arguments: TriageArgs,
  argumentDescriptions: { id: 'Ticket number' },
  render: async ({ id }, ctx, deps: HelpdeskDeps) => {
    const { transcript, status, next } = await ticketForPrompt(id, ctx, deps);
    const text = [
      `Triage helpdesk ticket #${id} (status ${status}).`,
      UNTRUSTED_NOTICE,
      '',
      transcript,
      '',
      'Decide, with one sentence of reasoning each:',
      `1. Priority: one of ${TicketPrioritySchema.options.join(', ')}. Urgent means many customers blocked or data at risk.`,
      '2. Tags: a short list of lower-case tags describing the product area and problem.',
      '3. Owner: which agent or team should take it, if the ticket says enough to tell.',
      `4. Next status: one of ${next.join(', ')}, or leave it as ${status}.`,
      `If the helpdesk write tools are available, apply the decisions with ${clientName('update_ticket')}, ${clientName('assign_ticket')} and ${clientName('transition_ticket')}; otherwise list them for a human.`,
    ].join('\n');
    return { description: `Triage of ticket #${id}`, messages: [{ role: 'user', content: { type: 'text', text } }] };
  },
  complete: { id: completeTicketId },
});
