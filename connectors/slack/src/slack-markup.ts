/**
 * Slack's message markup (docs.slack.dev/messaging/formatting-message-text): `<@U1|name>`
 * users, `<#C1|name>` channels, `<!here>` special mentions, `<!subteam^S1|@team>` user groups,
 * `<https://x|label>` links. A bracketed token holds no `<`, `>` or line break, so this regex
 * matches in linear time.
 */
const TOKEN = /<([^<>\n]{1,1000})>/g;

/** Message text from Slack as a reader sees it: `@name`, `#channel`, `label (url)`. Cleaning for a model comes after. */
export function readableSlackText(text: string): string {
  return text.replace(TOKEN, (_whole, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? '' : inner.slice(bar + 1);
    if (target.startsWith('@')) return `@${label || target.slice(1)}`;
    if (target.startsWith('#')) return `#${label || target.slice(1)}`;
    if (target.startsWith('!subteam^')) return label || `@${target.slice('!subteam^'.length)}`;
    if (target.startsWith('!')) return `@${label || target.slice(1)}`;
    return label ? `${label} (${target})` : target;
  });
}

/** What posts may notify besides single users. */
export interface MentionPolicy {
  /** `@channel`, `@here`, `@everyone` (Slack's `<!channel>`, `<!here>`, `<!everyone>`). */
  allowBroadcast: boolean;
  /** User groups (`<!subteam^S…>`). */
  allowUserGroups: boolean;
}

const BROADCASTS = new Set(['channel', 'here', 'everyone', 'group']);

/**
 * Text the connector sends, with the mentions the policy forbids turned into plain words: a
 * forbidden `<!here>` becomes `@​here` with a zero-width space after the `@`, so neither Slack's
 * parser (posts are sent with `parse: none`, `link_names: false`) nor a later edit by a human
 * that re-parses it notifies anyone. Single-user mentions `<@U…>` stay: answering a person is
 * what a support assistant does. Returns the text and how many mentions were neutralised.
 */
export function neutraliseMentions(text: string, policy: MentionPolicy): { text: string; neutralised: number } {
  let neutralised = 0;
  const defuse = (word: string) => {
    neutralised++;
    return `@\u200b${word}`;
  };
  let out = text.replace(TOKEN, (whole, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? '' : inner.slice(bar + 1);
    if (!policy.allowBroadcast && target.startsWith('!') && BROADCASTS.has(target.slice(1))) return defuse(target.slice(1));
    if (!policy.allowUserGroups && target.startsWith('!subteam^')) return defuse((label || target.slice('!subteam^'.length)).replace(/^@/, ''));
    return whole;
  });
  if (!policy.allowBroadcast) {
    // Bare words too: an app setting `link_names` or a client re-parsing an edit would turn them into pings.
    out = out.replace(/(^|[^\w\u200b])@(channel|here|everyone)\b/gi, (_whole, before: string, word: string) => `${before}${defuse(word)}`);
  }
  return { text: out, neutralised };
}
