import { z } from 'zod';
import type { MentionPolicy } from './slack-markup';
import { neutraliseMentions } from './slack-markup';

/**
 * The Block Kit subset posts may carry (docs.slack.dev/reference/block-kit/blocks), with
 * Slack's own limits: text-only blocks. Interactive elements, images and inputs are refused:
 * an assistant answering in a channel needs none of them, and image URLs are fetched by every
 * client that renders the message.
 */
const PlainText = z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(3000), emoji: z.boolean().optional() });
const Mrkdwn = z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(3000), verbatim: z.boolean().optional() });
const TextObject = z.discriminatedUnion('type', [PlainText, Mrkdwn]);
const BlockId = z.string().min(1).max(255).optional();

const SectionBlock = z
  .strictObject({ type: z.literal('section'), block_id: BlockId, text: TextObject.optional(), fields: z.array(TextObject).min(1).max(10).optional() })
  .refine((b) => b.text !== undefined || b.fields !== undefined, 'a section needs text or fields');
const HeaderBlock = z.strictObject({ type: z.literal('header'), block_id: BlockId, text: PlainText.extend({ text: z.string().min(1).max(150) }) });
const DividerBlock = z.strictObject({ type: z.literal('divider'), block_id: BlockId });
const ContextBlock = z.strictObject({ type: z.literal('context'), block_id: BlockId, elements: z.array(TextObject).min(1).max(10) });

export const BlockSchema = z.discriminatedUnion('type', [SectionBlock, HeaderBlock, DividerBlock, ContextBlock]);
export const BlocksSchema = z
  .array(BlockSchema)
  .min(1)
  .max(50)
  .describe('Optional Block Kit blocks: section, header, divider and context with plain_text or mrkdwn text (at most 50). The text argument stays the notification fallback.');
export type Block = z.infer<typeof BlockSchema>;

/** The blocks with every text neutralised by `policy`, and how many mentions were neutralised. */
export function neutraliseBlockMentions(blocks: Block[], policy: MentionPolicy): { blocks: Block[]; neutralised: number } {
  let neutralised = 0;
  const fix = <T extends { text: string }>(object: T): T => {
    const result = neutraliseMentions(object.text, policy);
    neutralised += result.neutralised;
    return { ...object, text: result.text };
  };
  const out = blocks.map((block): Block => {
    switch (block.type) {
      case 'section':
        return { ...block, ...(block.text && { text: fix(block.text) }), ...(block.fields && { fields: block.fields.map(fix) }) };
      case 'header':
        return { ...block, text: fix(block.text) };
      case 'context':
        return { ...block, elements: block.elements.map(fix) };
      case 'divider':
        return block;
    }
  });
  return { blocks: out, neutralised };
}

/** Characters of text in blocks, for the message length cap. */
export function blocksTextLength(blocks: Block[]): number {
  return blocks.reduce((sum, block) => {
    if (block.type === 'section') return sum + (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((n, f) => n + f.text.length, 0);
    if (block.type === 'header') return sum + block.text.text.length;
    if (block.type === 'context') return sum + block.elements.reduce((n, e) => n + e.text.length, 0);
    return sum;
  }, 0);
}
