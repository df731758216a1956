import { subjectMatches } from './subject-match';

describe('subjectMatches', () => {
  it.each([
    ['a.b.c', 'a.b.c', true],
    ['a.*.c', 'a.b.c', true],
    ['a.*', 'a.b.c', false],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['mcphub.v1.*.resource.updated', 'mcphub.v1.helpdesk.resource.updated', true],
    ['mcphub.v1.*.resource.updated', 'mcphub.v1.helpdesk.resource.read', false],
    ['a.b', 'a.b.c', false],
    ['a.b.c', 'a.b', false],
  ])('%s against %s is %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});
