import { defineConnector } from '@mcp-hub/connector-kit';
import type { Deps } from './note-store';
import { listNotesTool } from './tools/list-notes';
import { addNoteTool } from './tools/add-note';
import { notesResource } from './resources/notes-resource';
import { summarizeNotesPrompt } from './prompts/summarize-notes';

/** The table of contents: every tool (by toolset), resource and prompt of this connector. */
export const connector = defineConnector<Deps>({
  id: '{{id}}',
  version: '0.1.0',
  title: '{{id}}',
  description: 'Notes: list them; in write mode, add one.',
  toolsets: { notes: [listNotesTool, addNoteTool] },
  resources: [notesResource],
  prompts: [summarizeNotesPrompt],
});
