import { InvalidNameError, parseQualifiedName, qualifiedToolName } from './names';

describe('qualified tool names', () => {
  it('joins connector and tool with an underscore and splits them back', () => {
    const name = qualifiedToolName('helpdesk', 'get_ticket');
    expect(name).toBe('helpdesk_get_ticket');
    expect(parseQualifiedName(name)).toEqual({ connector: 'helpdesk', tool: 'get_ticket' });
  });

  it('refuses names over 64 characters', () => {
    const tool = 'x'.repeat(60);
    expect(() => qualifiedToolName('helpdesk', tool)).toThrow(InvalidNameError);
    expect(() => qualifiedToolName('helpdesk', tool)).toThrow(/69 characters; the limit is 64/);
  });

  it.each([
    ['Helpdesk', 'get'],
    ['h', 'get'],
    ['help_desk', 'get'],
    ['helpdesk', 'Get'],
    ['helpdesk', 'get.ticket'],
    ['helpdesk', '*'],
    ['helpdesk', '>'],
    ['helpdesk', ''],
  ])('refuses connector %j with tool %j', (connector, tool) => {
    expect(() => qualifiedToolName(connector, tool)).toThrow(InvalidNameError);
  });

  it.each(['nounderscore', '_tool', 'help.desk_x', 'helpdesk_', 'Helpdesk_get', 'a_b'])('does not parse %j', (name) => {
    expect(parseQualifiedName(name)).toBeUndefined();
  });
});
