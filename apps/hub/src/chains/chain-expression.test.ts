import { ChainExpression } from './chain-expression';

describe('chain expressions (JSONata)', () => {
  it('finds the steps an expression reads, through paths, predicates and the root', () => {
    const expression = new ChainExpression("'Customer ' & steps.customer.rows[0][0] & $$.steps.ticket.ticket.subject & $count(input.items[id = steps.lookup.id]) & input.steps");
    expect([...expression.stepRefs].sort()).toEqual(['customer', 'lookup', 'ticket']);
  });

  it('refuses expressions that do not parse, and ones that read steps without naming one', () => {
    expect(() => new ChainExpression('steps.ticket.(')).toThrow(/does not parse/);
    expect(() => new ChainExpression('steps')).toThrow(/without naming one/);
    expect(() => new ChainExpression('$keys(steps)')).toThrow(/without naming one/);
    expect(() => new ChainExpression('steps[0].x')).toThrow(/without naming one/);
  });

  it('evaluates to plain JSON against the input and earlier results', async () => {
    const expression = new ChainExpression("{ 'text': 'Ticket ' & steps.ticket.subject, 'ids': steps.list.items.id }");
    await expect(expression.evaluate({ input: {}, steps: { ticket: { subject: 'VPN' }, list: { items: [{ id: 1 }, { id: 2 }] } } })).resolves.toEqual({ text: 'Ticket VPN', ids: [1, 2] });
  });

  it('stops a runaway recursion instead of hanging or overflowing the stack', async () => {
    const expression = new ChainExpression('($f := function($x) { 1 + $f($x + 1) }; $f(0))');
    await expect(expression.evaluate({ input: {}, steps: {} })).rejects.toThrow(/deeper than|longer than/);
  });

  it('treats data as data: a string that looks like an expression is not evaluated', async () => {
    const expression = new ChainExpression('steps.ticket.body');
    await expect(expression.evaluate({ input: {}, steps: { ticket: { body: "$eval('1+1')" } } })).resolves.toBe("$eval('1+1')");
  });
});
