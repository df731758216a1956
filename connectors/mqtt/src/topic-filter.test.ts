import { topicFilterProblem, topicMatches, topicNameProblem } from './topic-filter';

describe('topic filters', () => {
  it.each([
    ['sensors/+/temperature', 'sensors/kitchen/temperature', true],
    ['sensors/+/temperature', 'sensors/kitchen/humidity', false],
    ['sensors/+/temperature', 'sensors/a/b/temperature', false],
    ['sensors/+/temperature', 'sensors//temperature', true],
    ['sensors/#', 'sensors', true],
    ['sensors/#', 'sensors/a/b/c', true],
    ['sensors/#', 'sensorsx/a', false],
    ['#', 'anything/at/all', true],
    ['#', '/leading', true],
    ['+', 'one', true],
    ['+', 'one/two', false],
    ['+/+', '/x', true],
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/', false],
    ['a/+', 'a', false],
    ['A/b', 'a/b', false],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it('never lets a leading wildcard reach $-topics, but a filter naming them does', () => {
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('+/broker/uptime', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('+/#', '$SYS/x')).toBe(false);
    expect(topicMatches('$SYS/#', '$SYS/broker/uptime')).toBe(true);
    expect(topicMatches('$SYS/+/uptime', '$SYS/broker/uptime')).toBe(true);
    expect(topicMatches('a/#', 'a/$SYS')).toBe(true);
  });

  it('refuses malformed filters and topic names', () => {
    expect(topicFilterProblem('sensors/#/x')).toMatch(/"#" must be a whole level and the last/);
    expect(topicFilterProblem('sensors/temp#')).toMatch(/"#"/);
    expect(topicFilterProblem('sensors/te+mp')).toMatch(/"\+" must be a whole level/);
    expect(topicFilterProblem('')).toMatch(/empty/);
    expect(topicFilterProblem('a\u0000b')).toMatch(/NUL/);
    expect(topicFilterProblem('x'.repeat(65_536))).toMatch(/longer than/);
    expect(topicFilterProblem('sensors/+/#')).toBeUndefined();
    expect(topicNameProblem('cmd/+/set')).toMatch(/no wildcards/);
    expect(topicNameProblem('cmd/#')).toMatch(/no wildcards/);
    expect(topicNameProblem('cmd/pump-1/set')).toBeUndefined();
  });
});
