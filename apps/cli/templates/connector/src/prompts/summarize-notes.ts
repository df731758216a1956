import { z } from 'zod';
import { definePrompt, fenceUntrusted, UNTRUSTED_FENCE_NOTICE } from '@mcp-hub/connector-kit';
import type { Deps } from '../note-store';

const Args = z.object({ focus: z.string().max(200).optional() });

export const summarizeNotesPrompt = definePrompt<Deps, typeof Args>({
  name: 'summarize_notes',
  title: 'Summarize notes',
  description: 'Asks the model to summarize the notes, which are embedded as untrusted content.',
  arguments: Args,
  argumentDescriptions: { focus: 'What the summary should look at' },
  render: async ({ focus }, _ctx, deps: Deps) => {
    const notes = deps.notes.list().map((n) => `#${n.id} ${n.text}`).join('\n');
    const text = [`Summarize these notes${focus ? `, focusing on ${focus}` : ''}.`, UNTRUSTED_FENCE_NOTICE, fenceUntrusted('{{id}}:notes', notes)].join('\n');
    return { messages: [{ role: 'user', content: { type: 'text', text } }] };
  },
});
