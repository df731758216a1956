import { CliConfigSchema } from './cli-config';
import { builtInsToEmbed } from './built-in-connectors';

describe('built-in connectors', () => {
  const empty = CliConfigSchema.parse({});
  const defaults = ['helpdesk', 'database', 'email'];

  it('embed those with an offline demo by default, and the others only when configured', () => {
    expect(builtInsToEmbed(empty, {})).toEqual(defaults);
    expect(builtInsToEmbed(empty, { SLACK_BOT_TOKEN: 'xoxb-1234-abcdefgh' })).toEqual([...defaults, 'slack']);
    expect(builtInsToEmbed(CliConfigSchema.parse({ connectors: { slack: { channels: ['#support'] } } }), {})).toEqual([...defaults, 'slack']);
    expect(builtInsToEmbed(CliConfigSchema.parse({ connectors: { bridge: {}, mqtt: {} } }), {})).toEqual([...defaults, 'mqtt', 'bridge']);
  });

  it('GitHub opts in by its allowlist, not by a token many shells carry', () => {
    expect(builtInsToEmbed(empty, { GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' })).toEqual(defaults);
    expect(builtInsToEmbed(empty, { GITHUB_REPOSITORIES: 'acme/widgets', GITHUB_TOKEN: 'ghp_x' })).toEqual([...defaults, 'github']);
  });

  it('a shared setting (REDIS_URL, read by several connectors for idempotency keys) opts nothing in', () => {
    expect(builtInsToEmbed(empty, { REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual(defaults);
  });
});
