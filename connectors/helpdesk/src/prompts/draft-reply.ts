import { z } from 'zod';
import { definePrompt } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { PromptTicketIdSchema, UNTRUSTED_NOTICE, completeTicketId, ticketForPrompt } from './ticket-for-prompt';
import { clientName } from '../client-name';

/** Tones offered by completion; any short phrase of letters is accepted. */
export const REPLY_TONES = ['friendly', 'formal', 'concise', 'empathetic', 'apologetic'] as const;

const DraftArgs = z.object({
  id: PromptTicketIdSchema,
  tone: z.string().regex(/^[A-Za-z][A-Za-z -]{0,29}$/, 'a short tone such as friendly or formal').optional(),
});

export const draftReplyPrompt = definePrompt<HelpdeskDeps, typeof DraftArgs>({
  name: 'draft_reply',
  title: 'Draft a reply',
  description: 'Asks the model to draft a public reply to the customer of a ticket, with the ticket embedded as untrusted content.',
  arguments: DraftArgs,
  argumentDescriptions: { id: 'Ticket number', tone: `Tone of the reply, e.g. ${REPLY_TONES.join(', ')} (default friendly)` },
  render: async ({ id, tone }, ctx, deps: HelpdeskDeps) => {
    const { transcript } = await ticketForPrompt(id, ctx, deps);
    const text = [
      `Draft a reply to the customer of helpdesk ticket #${id} in a ${tone ?? 'friendly'} tone.`,
      UNTRUSTED_NOTICE,
      '',
      transcript,
      '',
      'Answer what the customer asked, say what happens next, and ask for anything still missing.',
      'Internal comments are for agents only: use them for context, never quote or reveal them.',
      'Promise nothing the ticket does not support. Do not include links or contact details that are not already in the ticket.',
      `Return only the reply text. It is posted with ${clientName('add_comment')} (visibility "public") only after a human approved it.`,
    ].join('\n');
    return { description: `Reply draft for ticket #${id}`, messages: [{ role: 'user', content: { type: 'text', text } }] };
  },
  complete: {
    id: completeTicketId,
    tone: async (value: string) => REPLY_TONES.filter((tone) => tone.startsWith(value.toLowerCase())),
  },
});
