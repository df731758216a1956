import { InvalidNameError } from './names';
import { Subjects } from './subjects';

describe('subjects', () => {
  const subjects = new Subjects();

  it('builds versioned subjects under the default namespace from validated names', () => {
    expect(subjects.invoke('helpdesk', 'get_ticket')).toBe('mcphub.v2.helpdesk.invoke.get_ticket');
    expect(subjects.resourceRead('helpdesk')).toBe('mcphub.v2.helpdesk.resource.read');
    expect(subjects.cancel('helpdesk')).toBe('mcphub.v2.helpdesk.cancel');
    expect(subjects.registry('helpdesk', 'announce')).toBe('mcphub.v2.registry.helpdesk.announce');
    expect(subjects.discover()).toBe('mcphub.v2.discover');
    expect(subjects.hubEvents('hub-1')).toBe('mcphub.v2.hub.hub-1.events');
    expect(subjects.queueGroup('helpdesk')).toBe('mcphub.helpdesk');
  });

  it('starts every subject and queue group with the deployment namespace', () => {
    const other = new Subjects('acme-prod');
    expect(other.invoke('helpdesk', 'get_ticket')).toBe('acme-prod.v2.helpdesk.invoke.get_ticket');
    expect(other.queueGroup('helpdesk')).toBe('acme-prod.helpdesk');
    expect(other.allRegistry('announce')).toBe('acme-prod.v2.registry.*.announce');
    // One deployment never parses another's subjects as its own.
    expect(subjects.registrySender(other.registry('helpdesk', 'announce'), 'announce')).toBeUndefined();
    expect(subjects.resourceUpdatedSender(other.resourceUpdated('helpdesk'))).toBeUndefined();
  });

  it.each(['', 'MCP', 'a.b', 'a*', 'a>', 'a b', '1abc', 'x'.repeat(33), 'a\n'])('refuses namespace %j', (bad) => {
    expect(() => new Subjects(bad)).toThrow(InvalidNameError);
  });

  it.each(['*', '>', 'a.b', 'help desk', '', 'x'.repeat(40), 'hub', 'registry', 'discover'])('refuses wildcard, malformed or reserved connector %j', (bad) => {
    expect(() => subjects.invoke(bad, 'get')).toThrow(InvalidNameError);
    expect(() => subjects.resourceRead(bad)).toThrow(InvalidNameError);
    expect(() => subjects.registry(bad, 'announce')).toThrow(InvalidNameError);
  });

  it.each(['*', '>', 'get.*', 'get ticket'])('refuses malformed tool %j', (bad) => {
    expect(() => subjects.invoke('helpdesk', bad)).toThrow(InvalidNameError);
  });

  it('parses the sender of registry and resource-update subjects, and nothing else', () => {
    expect(subjects.registrySender(subjects.registry('helpdesk', 'heartbeat'), 'heartbeat')).toBe('helpdesk');
    expect(subjects.registrySender(subjects.registry('helpdesk', 'heartbeat'), 'announce')).toBeUndefined();
    expect(subjects.registrySender('mcphub.v2.registry.a.b.announce', 'announce')).toBeUndefined();
    expect(subjects.registrySender('mcphub.v2.registry..announce', 'announce')).toBeUndefined();
    expect(subjects.registrySender('mcphub.v2.registry.hub.announce', 'announce')).toBeUndefined();
    expect(subjects.resourceUpdatedSender(subjects.resourceUpdated('database'))).toBe('database');
    expect(subjects.resourceUpdatedSender('mcphub.v2.a.b.resource.updated')).toBeUndefined();
  });

  it('recognises only real hub event subjects', () => {
    expect(subjects.isHubEvents(subjects.hubEvents('abc-1'))).toBe(true);
    expect(subjects.isHubEvents('mcphub.v2.hub.>.events')).toBe(false);
    expect(subjects.isHubEvents('mcphub.v2.helpdesk.invoke.get')).toBe(false);
    expect(subjects.isHubEvents('mcphub.v2.hub.a.b.events')).toBe(false);
    expect(subjects.isHubEvents(new Subjects('other').hubEvents('abc-1'))).toBe(false);
  });

  it('builds and parses the subjects of server-to-client requests', () => {
    expect(subjects.clientRequests('hub-1', 'helpdesk')).toBe('mcphub.v2.hub.hub-1.ask.helpdesk');
    expect(subjects.allClientRequests('hub-1')).toBe('mcphub.v2.hub.hub-1.ask.*');
    expect(subjects.clientRequestSender(subjects.clientRequests('hub-1', 'helpdesk'), 'hub-1')).toBe('helpdesk');
    // Another hub's, a malformed or a reserved sender is nobody.
    expect(subjects.clientRequestSender(subjects.clientRequests('hub-2', 'helpdesk'), 'hub-1')).toBeUndefined();
    expect(subjects.clientRequestSender('mcphub.v2.hub.hub-1.ask.a.b', 'hub-1')).toBeUndefined();
    expect(subjects.clientRequestSender('mcphub.v2.hub.hub-1.ask.hub', 'hub-1')).toBeUndefined();
    expect(subjects.hubOfEvents(subjects.hubEvents('hub-1'))).toBe('hub-1');
    expect(subjects.hubOfEvents('mcphub.v2.helpdesk.invoke.get')).toBeUndefined();
    expect(subjects.connectorInboxPrefix('helpdesk')).toBe('_INBOX_mcphub.helpdesk');
    expect(subjects.roundResume('hub-1')).toBe('mcphub.v2._hubs.hub-1.resume');
    expect(() => subjects.clientRequests('hub.*', 'helpdesk')).toThrow(InvalidNameError);
    expect(() => subjects.clientRequests('hub-1', '*')).toThrow(InvalidNameError);
  });
});
