import { InvalidNameError } from './names';
import { connectorQueueGroup, isHubEventsSubject, subjects } from './subjects';

describe('subjects', () => {
  it('builds versioned subjects from validated names', () => {
    expect(subjects.invoke('helpdesk', 'get_ticket')).toBe('mcphub.v1.helpdesk.invoke.get_ticket');
    expect(subjects.resourceRead('helpdesk')).toBe('mcphub.v1.helpdesk.resource.read');
    expect(subjects.cancel('helpdesk')).toBe('mcphub.v1.helpdesk.cancel');
    expect(subjects.announce()).toBe('mcphub.v1.registry.announce');
    expect(subjects.hubEvents('hub-1')).toBe('mcphub.v1.hub.hub-1.events');
    expect(connectorQueueGroup('helpdesk')).toBe('mcphub.helpdesk');
  });

  it.each(['*', '>', 'a.b', 'help desk', '', 'x'.repeat(40)])('refuses wildcard or malformed connector %j', (bad) => {
    expect(() => subjects.invoke(bad, 'get')).toThrow(InvalidNameError);
    expect(() => subjects.resourceRead(bad)).toThrow(InvalidNameError);
  });

  it.each(['*', '>', 'get.*', 'get ticket'])('refuses malformed tool %j', (bad) => {
    expect(() => subjects.invoke('helpdesk', bad)).toThrow(InvalidNameError);
  });

  it('recognises only real hub event subjects', () => {
    expect(isHubEventsSubject(subjects.hubEvents('abc-1'))).toBe(true);
    expect(isHubEventsSubject('mcphub.v1.hub.>.events')).toBe(false);
    expect(isHubEventsSubject('mcphub.v1.helpdesk.invoke.get')).toBe(false);
    expect(isHubEventsSubject('mcphub.v1.hub.a.b.events')).toBe(false);
  });
});
