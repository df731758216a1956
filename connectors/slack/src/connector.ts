import { defineConnector, type ConnectorDefinition } from '@mcp-hub/connector-kit';
import { SLACK_ID } from './client-name';
import { draftAnnouncementPrompt } from './prompts/draft-announcement';
import { summarizeChannelPrompt } from './prompts/summarize-channel';
import { channelHistoryResource } from './resources/channel-history-resource';
import type { SlackDeps } from './slack-deps';
import { addReactionTool } from './tools/add-reaction';
import { deleteMessageTool } from './tools/delete-message';
import { getChannelHistoryTool } from './tools/get-channel-history';
import { getThreadRepliesTool } from './tools/get-thread-replies';
import { getUserTool } from './tools/get-user';
import { listChannelsTool } from './tools/list-channels';
import { listUsersTool } from './tools/list-users';
import { postMessageTool } from './tools/post-message';
import { replyInThreadTool } from './tools/reply-in-thread';
import { searchMessagesTool } from './tools/search-messages';
import { updateMessageTool } from './tools/update-message';

/**
 * The Slack connector: its tools by toolset, resources and prompts — the table of contents.
 * Write tools are served only in write mode (the kit's `exposeTools`).
 */
export const slackConnector: ConnectorDefinition<SlackDeps> = defineConnector<SlackDeps>({
  id: SLACK_ID,
  version: '0.1.0',
  title: 'Slack',
  description: 'Slack channels on an allowlist: read channels, threads, users and search; in write mode, post, reply in threads, react, and edit or delete its own messages.',
  toolsets: {
    channels: [listChannelsTool, getChannelHistoryTool, getThreadRepliesTool, searchMessagesTool],
    users: [listUsersTool, getUserTool],
    messages: [postMessageTool, replyInThreadTool, addReactionTool, updateMessageTool, deleteMessageTool],
  },
  resourceTemplates: [channelHistoryResource],
  prompts: [summarizeChannelPrompt, draftAnnouncementPrompt],
});
