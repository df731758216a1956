import { ToolError } from '@mcp-hub/connector-kit';
import { type Block, blocksTextLength, neutraliseBlockMentions } from './block-kit';
import { neutraliseMentions } from './slack-markup';
import type { SlackDeps } from './slack-deps';

/** A message ready to send: capped, with the mentions the policy forbids neutralised. */
export interface OutgoingMessage {
  text: string;
  blocks?: Block[];
  /** How many mentions were neutralised (reported to the model, so it knows nobody was pinged). */
  neutralised: number;
}

/**
 * Checks and prepares what a write tool sends. The length cap counts the text and every text
 * in blocks together: a long post split into blocks is still a long post.
 * @throws ToolError `invalid_arguments` past the configured cap.
 */
export function prepareOutgoing(deps: SlackDeps, text: string, blocks: Block[] | undefined): OutgoingMessage {
  const length = text.length + (blocks ? blocksTextLength(blocks) : 0);
  if (length > deps.maxMessageChars) {
    throw new ToolError('invalid_arguments', `The message has ${length} characters; this connector sends at most ${deps.maxMessageChars}. Shorten it.`);
  }
  const main = neutraliseMentions(text, deps.mentions);
  const rich = blocks ? neutraliseBlockMentions(blocks, deps.mentions) : undefined;
  return { text: main.text, ...(rich && { blocks: rich.blocks }), neutralised: main.neutralised + (rich?.neutralised ?? 0) };
}

/** What every post sets so that Slack itself adds no mention, link or preview the connector did not check. */
export const SAFE_POST_OPTIONS = { parse: 'none', link_names: false, unfurl_links: false, unfurl_media: false } as const;

export function neutralisedNote(count: number): string {
  return count ? ` ${count} broadcast or group mention(s) were neutralised: nobody was notified by them.` : '';
}
