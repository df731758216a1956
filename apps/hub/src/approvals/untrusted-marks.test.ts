import { untrustedSourceOfResource, untrustedSourceOfResult } from './untrusted-marks';

describe('untrusted marks', () => {
  it('finds the kit mark at any depth of structured content, or the kit fence in text', () => {
    const nested = { content: [{ type: 'text' as const, text: 'ok' }], structuredContent: { issue: { body: { text: 'x', untrusted: true, source: 'github:acme/app:issue:1' } } } };
    expect(untrustedSourceOfResult(nested)).toBe('github:acme/app:issue:1');
    const inList = { content: [], structuredContent: { messages: [{ text: 'a' }, { untrusted: true, source: 'slack:C1:1' }] } };
    expect(untrustedSourceOfResult(inList)).toBe('slack:C1:1');
    const fenced = { content: [{ type: 'text' as const, text: '<untrusted-content nonce="ab12" source="email:INBOX:3">\nhi\n</untrusted-content nonce="ab12">' }] };
    expect(untrustedSourceOfResult(fenced)).toBe('fenced text');
  });

  it('finds nothing in a result without a mark (untrusted: false, or the word alone)', () => {
    expect(untrustedSourceOfResult({ content: [{ type: 'text', text: 'the untrusted flag is off' }], structuredContent: { untrusted: false, note: 'untrusted' } })).toBeUndefined();
  });

  it('finds the mark in a resource read as JSON text or fence', () => {
    expect(untrustedSourceOfResource({ contents: [{ uri: 'helpdesk://tickets/1', text: '{"id":1,"untrusted": true,"source":"helpdesk:ticket:1"}' }] })).toBe('helpdesk://tickets/1');
    expect(untrustedSourceOfResource({ contents: [{ uri: 'echo://status', text: '{"ok":true}' }] })).toBeUndefined();
  });
});
