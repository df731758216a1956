import { UriTemplate } from './uri-template';

describe('UriTemplate', () => {
  const template = new UriTemplate('helpdesk://tickets/{id}');

  it('matches and decodes one segment per variable', () => {
    expect(template.match('helpdesk://tickets/42')).toEqual({ id: '42' });
    expect(new UriTemplate('db://{source}/tables/{table}').match('db://demo/tables/order%20items')).toEqual({ source: 'demo', table: 'order items' });
  });

  it.each(['helpdesk://tickets/', 'helpdesk://tickets/1/2', 'helpdesk://ticketsX/1', 'other://tickets/1', 'helpdesk://tickets/%E0%A4%A'])('does not match %j', (uri) => {
    expect(template.match(uri)).toBeUndefined();
  });

  it('treats regex characters in the template literally', () => {
    expect(new UriTemplate('a+b://x.y/{id}').match('aab://xzy/1')).toBeUndefined();
  });

  it('expands with encoding', () => {
    expect(template.expand({ id: 'a/b' })).toBe('helpdesk://tickets/a%2Fb');
  });
});
