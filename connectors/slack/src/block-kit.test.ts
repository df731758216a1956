import { BlocksSchema, blocksTextLength, neutraliseBlockMentions } from './block-kit';

describe('block kit', () => {
  it('accepts the text blocks and counts their text', () => {
    const blocks = BlocksSchema.parse([
      { type: 'header', text: { type: 'plain_text', text: 'Outage' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*VPN* is down' }, fields: [{ type: 'plain_text', text: 'ETA' }] },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '<!here> status page' }] },
    ]);
    expect(blocksTextLength(blocks)).toBe(6 + 13 + 3 + 19);
    const { blocks: safe, neutralised } = neutraliseBlockMentions(blocks, { allowBroadcast: false, allowUserGroups: false });
    expect(neutralised).toBe(1);
    expect(JSON.stringify(safe)).not.toContain('<!here>');
  });

  it.each([
    ['an image', [{ type: 'image', image_url: 'https://x', alt_text: 'x' }]],
    ['an action button', [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x' } }] }]],
    ['an unknown key', [{ type: 'divider', url: 'https://x' }]],
    ['a header over 150 characters', [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }]],
    ['more than 50 blocks', Array(51).fill({ type: 'divider' })],
    ['a section with eleven fields', [{ type: 'section', fields: Array(11).fill({ type: 'mrkdwn', text: 'f' }) }]],
  ])('refuses %s', (_what, blocks) => {
    expect(BlocksSchema.safeParse(blocks).success).toBe(false);
  });
});
