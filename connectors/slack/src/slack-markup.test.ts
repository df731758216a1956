import fc from 'fast-check';
import { hostileText } from '@mcp-hub/connector-kit/testing';
import { neutraliseMentions, readableSlackText } from './slack-markup';
import { toMessageView } from './message-view';

const NONE = { allowBroadcast: false, allowUserGroups: false };
const SELF = { userId: 'UBOT', botId: 'BBOT', teamId: 'T1' };

describe('slack markup', () => {
  it('makes Slack markup readable', () => {
    expect(readableSlackText('hi <@U123|bob> in <#C1|support>, see <https://x.example/a|the doc> or <https://y.example> <!here> <!subteam^S1|@eng>')).toBe(
      'hi @bob in #support, see the doc (https://x.example/a) or https://y.example @here @eng',
    );
  });

  it('neutralises broadcast and group mentions, keeps user mentions and look-alikes', () => {
    const { text, neutralised } = neutraliseMentions('<!channel> <!here|here> <!everyone> @here @Channel <!subteam^S1> <@U1> mail@here.com', NONE);
    expect(text).toBe('@\u200bchannel @\u200bhere @\u200beveryone @\u200bhere @\u200bChannel @\u200bS1 <@U1> mail@here.com');
    expect(neutralised).toBe(6);
    expect(neutraliseMentions('<!subteam^S1|@eng>', { allowBroadcast: true, allowUserGroups: false }).text).toBe('@\u200beng');
    expect(neutraliseMentions('<!here> <!subteam^S1>', { allowBroadcast: true, allowUserGroups: true })).toEqual({ text: '<!here> <!subteam^S1>', neutralised: 0 });
    expect(neutraliseMentions('<!date^1392734382^{date}|Feb 18>', NONE).neutralised).toBe(0);
  });

  it('leaves no notifying mention in any text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('<!here>', '<!channel|x>', '@everyone', '<!subteam^S9>', ' ', 'a', '<', '>', '!', '@', '|', '\n'), { maxLength: 30 }), (parts) => {
        const { text } = neutraliseMentions(parts.join(''), NONE);
        expect(text).not.toMatch(/<!(?:here|channel|everyone|subteam\^)/);
        expect(text).not.toMatch(/(?:^|[^\w\u200b])@(?:here|channel|everyone)\b/i);
      }),
    );
  });

  it('turns hostile message text into clean, marked text without markup', () => {
    fc.assert(
      fc.property(hostileText, (raw) => {
        const view = toMessageView('C1', { ts: '1.000001', text: raw, user: 'U1' }, SELF);
        expect(view.text).not.toMatch(/[<>\u200b\u202e]|!\[/);
        expect(view).toMatchObject({ untrusted: true, source: 'slack:C1:1.000001', own: false });
      }),
    );
  });
});
