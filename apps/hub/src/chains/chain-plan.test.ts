import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileChains, type StepOutcome } from './chain-plan';
import { readChainFiles } from './chain-files';

const INPUT = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] };

function chain(steps: unknown[], extra: Record<string, unknown> = {}) {
  return { description: 'test chain', inputSchema: INPUT, steps, ...extra };
}

describe('chain definitions', () => {
  it('derives what each step waits for from its expressions and needs, and runs independent steps in one wave', () => {
    const plans = compileChains({
      summary: chain([
        { id: 'ticket', tool: 'helpdesk_get_ticket', arguments: { id: 'input.id' } },
        { id: 'customer', tool: 'database_run_query', arguments: { sql: "'SELECT 1'", params: '[steps.ticket.ticket.requester]' } },
        { id: 'history', tool: 'helpdesk_search_tickets', arguments: { query: 'steps.ticket.ticket.requester' } },
        { id: 'post', tool: 'slack_post_message', arguments: { text: "'x'" }, needs: ['customer', 'history'] },
      ]),
    });
    const plan = plans.get('summary')!;
    expect(plan.toolName).toBe('chain_summary');
    expect([...plan.step('post')!.needs].sort()).toEqual(['customer', 'history']);
    expect(plan.nextWave(new Map()).map((s) => s.id)).toEqual(['ticket']);
    const afterTicket: Array<[string, StepOutcome]> = [['ticket', { status: 'ok', value: {} }]];
    expect(plan.nextWave(new Map(afterTicket)).map((s) => s.id)).toEqual(['customer', 'history']);
    // A skipped step counts as ended; a failed one holds back what needs it.
    expect(plan.nextWave(new Map<string, StepOutcome>([...afterTicket, ['customer', { status: 'skipped' }], ['history', { status: 'ok', value: 1 }]])).map((s) => s.id)).toEqual(['post']);
    expect(plan.nextWave(new Map<string, StepOutcome>([...afterTicket, ['customer', { status: 'failed', message: 'x' }], ['history', { status: 'ok', value: 1 }]]))).toEqual([]);
  });

  it.each([
    ['a schema error, naming the step by its id', { c: chain([{ id: 'first', tool: 't_x' }, { id: 'second', tool: 't_y', retry: { attempts: 99 } }]) }, /chain "c", step "second": retry\.attempts: /],
    ['an expression that does not parse', { c: chain([{ id: 's', tool: 't_x', arguments: { a: 'input.(' } }]) }, /chain "c", step "s", argument "a": expression .* does not parse/],
    ['a reference to no step', { c: chain([{ id: 's', tool: 't_x', when: 'steps.nope.ok' }]) }, /chain "c", step "s", when: reads steps\.nope, which is not a step of this chain/],
    ['a need of no step', { c: chain([{ id: 's', tool: 't_x', needs: ['ghost'] }]) }, /chain "c", step "s": needs "ghost"/],
    ['a duplicate step id', { c: chain([{ id: 's', tool: 't_x' }, { id: 's', tool: 't_y' }]) }, /chain "c", step "s": another step has this id/],
    ['steps waiting for each other', { c: chain([{ id: 'a', tool: 't_x', arguments: { v: 'steps.b.v' } }, { id: 'b', tool: 't_y', needs: ['a'] }]) }, /chain "c": steps wait for each other in a cycle: a -> b -> a/],
    ['a step reading itself', { c: chain([{ id: 'a', tool: 't_x', arguments: { v: 'steps.a.v' } }]) }, /step "a": reads its own result/],
    ['an input schema that is not an object schema', { c: chain([{ id: 'a', tool: 't_x' }], { inputSchema: { type: 'string' } }) }, /chain "c": inputSchema: must be a JSON Schema with "type": "object"/],
    ['an input schema that does not compile', { c: chain([{ id: 'a', tool: 't_x' }], { inputSchema: { type: 'object', properties: { a: { type: 'nonsense' } } } }) }, /chain "c": inputSchema is not a usable JSON Schema/],
    ['a call of an undefined chain', { c: chain([{ id: 'a', tool: 'chain_missing' }]) }, /chain "c", step "a": calls chain_missing, which is not a defined chain/],
    ['a bad chain name', { 'Bad-Name': chain([{ id: 'a', tool: 't_x' }]) }, /chain "Bad-Name": .*snake_case/],
  ])('refuses %s with a message naming where', (_what, raw, message) => {
    expect(() => compileChains(raw)).toThrow(message);
  });

  it('refuses a chain that calls itself, directly or through other chains, naming the cycle', () => {
    expect(() => compileChains({ loop: chain([{ id: 'again', tool: 'chain_loop' }]) })).toThrow('chains call themselves: chain_loop -> chain_loop');
    expect(() =>
      compileChains({
        a: chain([{ id: 's', tool: 'chain_b' }]),
        b: chain([{ id: 's', tool: 'x_tool' }, { id: 't', tool: 'chain_c' }]),
        c: chain([{ id: 's', tool: 'chain_a' }]),
      }),
    ).toThrow('chains call themselves: chain_a -> chain_b -> chain_c -> chain_a');
    expect(compileChains({ a: chain([{ id: 's', tool: 'chain_b' }]), b: chain([{ id: 's', tool: 'x_tool' }]) }).size).toBe(2);
  });

  it('reads chains from YAML and JSON files, and refuses one defined twice', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chains-'));
    const yaml = path.join(dir, 'a.yaml');
    writeFileSync(yaml, ['chains:', '  one:', '    description: first', '    inputSchema: { type: object }', '    steps:', '      - id: s', '        tool: echo_echo', "        arguments: { text: \"'hi'\" }"].join('\n'));
    const json = path.join(dir, 'b.json');
    writeFileSync(json, JSON.stringify({ two: chain([{ id: 's', tool: 'echo_echo' }]) }));
    expect([...compileChains(readChainFiles([yaml, json])).keys()]).toEqual(['one', 'two']);
    expect(() => readChainFiles([yaml], { one: {} })).toThrow(`chain "one" is defined twice: in the configuration and in ${yaml}`);
    writeFileSync(json, '{ nope');
    expect(() => readChainFiles([json])).toThrow(/is not valid YAML or JSON/);
  });
});
