import { CliConfigSchema } from './cli-config';
import { builtInsToEmbed } from './built-in-connectors';

describe('built-in connectors', () => {
  it('embed slack only when a config section or one of its variables configures it', () => {
    const empty = CliConfigSchema.parse({});
    expect(builtInsToEmbed(empty, {})).toEqual(['helpdesk', 'database']);
    expect(builtInsToEmbed(empty, { SLACK_BOT_TOKEN: 'xoxb-1234-abcdefgh' })).toEqual(['helpdesk', 'database', 'slack']);
    expect(builtInsToEmbed(CliConfigSchema.parse({ connectors: { slack: { channels: ['#support'] } } }), {})).toEqual(['helpdesk', 'database', 'slack']);
  });
});
