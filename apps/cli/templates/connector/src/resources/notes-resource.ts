import { defineResource } from '@mcp-hub/connector-kit';
import type { Deps } from '../note-store';

const uri = '{{id}}://notes';

export const notesResource = defineResource({
  uri,
  name: 'notes',
  title: 'All notes',
  description: 'Every note, as JSON.',
  mimeType: 'application/json',
  read: async (_ctx, deps: Deps) => [{ uri, mimeType: 'application/json', text: JSON.stringify(deps.notes.list()) }],
});
