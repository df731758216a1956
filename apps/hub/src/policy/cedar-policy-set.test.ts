import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CedarPolicySet, type PolicySource } from './cedar-policy-set';
import { generateCedarSchema } from './cedar-schema';
import { policyPrincipalOf } from './policy-principal';
import type { ToolTarget } from './policy-target';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
const outbound = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };
const search: ToolTarget = { kind: 'tool', connector: 'github', name: 'github_search_issues', annotations: readOnly, scopes: [] };
const createIssue: ToolTarget = { kind: 'tool', connector: 'github', name: 'github_create_issue', annotations: outbound, scopes: [] };
const sendEmail: ToolTarget = { kind: 'tool', connector: 'email', name: 'email_send_message', annotations: outbound, scopes: [] };

const schema = generateCedarSchema({
  tools: [
    { descriptor: { inputSchema: { type: 'object', properties: { repo: { type: 'string' }, limit: { type: 'integer' } } } } },
    { descriptor: { inputSchema: { type: 'object', properties: { to: { type: 'string' }, cc: { type: 'array', items: { type: 'string' } }, subject: { type: 'string' }, limit: { type: 'string' } } } } },
  ],
  prompts: [{ descriptor: { arguments: [{ name: 'ticket_id' }] } }],
});

const POLICY = `
@id("devs-read-acme")
permit (principal in McpHub::Role::"dev", action == McpHub::Action::"call", resource in McpHub::Connector::"github")
when { resource.readOnly && resource.name like "github_*" && context.arguments has repo && context.arguments.repo like "acme/*" };

@id("devs-write-acme") @approval("required")
permit (principal in McpHub::Role::"dev", action == McpHub::Action::"call", resource == McpHub::Tool::"github_create_issue")
when { context.arguments has repo && context.arguments.repo like "acme/*" };

@id("support-email")
permit (principal in McpHub::Role::"support", action == McpHub::Action::"call", resource in McpHub::Connector::"email");

@id("email-only-example-com")
forbid (principal, action == McpHub::Action::"call", resource in McpHub::Connector::"email")
unless { context.arguments has to && context.arguments.to like "*@example.com" && (if context.arguments has cc then ["ops@example.com", "sam@example.com"].containsAll(context.arguments.cc) else true) };
`;

function compiled(text: string, withSchema = true): CedarPolicySet {
  const result = CedarPolicySet.compile([{ name: 'test.cedar', text }], withSchema ? schema : undefined);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.policySet;
}

const dev = policyPrincipalOf({ id: 'dana', scopes: ['role:dev'] });
const support = policyPrincipalOf({ id: 'sam', scopes: ['role:support'] });
const nobody = policyPrincipalOf({ id: 'nobody', scopes: [] });

describe('CedarPolicySet', () => {
  const policy = compiled(POLICY);

  test('a role may use github read tools on acme repos only', () => {
    expect(policy.decide(dev, 'call', search, { repo: 'acme/api' })).toMatchObject({ allowed: true, needsApproval: false, policies: ['devs-read-acme'] });
    expect(policy.decide(dev, 'call', search, { repo: 'other/api' }).allowed).toBe(false);
    expect(policy.decide(dev, 'call', search, {}).allowed).toBe(false);
    expect(policy.decide(support, 'call', search, { repo: 'acme/api' }).allowed).toBe(false);
  });

  test('a policy annotated @approval marks the calls it allows as needing approval', () => {
    expect(policy.decide(dev, 'call', createIssue, { repo: 'acme/api' })).toMatchObject({ allowed: true, needsApproval: true, policies: ['devs-write-acme'] });
    expect(policy.decide(dev, 'call', createIssue, { repo: 'evil/api' })).toMatchObject({ allowed: false, needsApproval: false });
  });

  test('a forbid on the arguments refuses what a permit allows', () => {
    expect(policy.decide(support, 'call', sendEmail, { to: 'kim@example.com', subject: 'hi' }).allowed).toBe(true);
    expect(policy.decide(support, 'call', sendEmail, { to: 'kim@example.com.evil.test' }).allowed).toBe(false);
    expect(policy.decide(support, 'call', sendEmail, { to: 'kim@example.com', cc: ['ops@example.com'] }).allowed).toBe(true);
    expect(policy.decide(support, 'call', sendEmail, { to: 'kim@example.com', cc: ['ops@example.com', 'x@evil.test'] }).allowed).toBe(false);
  });

  test('lists show what some arguments could allow, and hide what no arguments can', () => {
    expect(policy.mayAllow(dev, 'call', search)).toBe(true);
    expect(policy.mayAllow(dev, 'call', createIssue)).toBe(true);
    expect(policy.mayAllow(dev, 'call', sendEmail)).toBe(false);
    expect(policy.mayAllow(support, 'call', sendEmail)).toBe(true);
    expect(policy.mayAllow(support, 'call', search)).toBe(false);
    expect(policy.mayAllow(nobody, 'call', search)).toBe(false);
  });

  test('an argument shaped like a Cedar entity reference is not read as one', () => {
    const forged = { repo: { __entity: { type: 'McpHub::Role', id: 'dev' } } };
    const byType = compiled('permit (principal, action, resource) when { context.arguments has repo };', false);
    expect(byType.decide(nobody, 'call', search, forged).allowed).toBe(false);
    expect(byType.decide(nobody, 'call', search, { repo: 'a' }).allowed).toBe(true);
  });

  test('a policy that fails to evaluate denies the request (fail closed)', () => {
    // Without the schema, this forbid errors on a call without `to`; Cedar would skip it and allow.
    const unsafe = compiled('permit (principal, action, resource);\nforbid (principal, action, resource) unless { context.arguments.to like "*@example.com" };', false);
    const decision = unsafe.decide(nobody, 'call', sendEmail, {});
    expect(decision.allowed).toBe(false);
    expect(decision.errors.join()).toContain('to');
    expect(unsafe.decide(nobody, 'call', sendEmail, { to: 'a@example.com' }).allowed).toBe(true);
  });

  test('an empty policy denies everything', () => {
    expect(CedarPolicySet.denyAll().decide(dev, 'call', search, { repo: 'acme/api' }).allowed).toBe(false);
  });
});

describe('CedarPolicySet.compile', () => {
  const errorsOf = (sources: PolicySource[]) => {
    const result = CedarPolicySet.compile(sources, schema);
    if (result.ok) throw new Error('compiled');
    return result.errors.join('\n');
  };

  test('a syntax error names the file, line and column', () => {
    expect(errorsOf([{ name: 'team.cedar', text: 'permit (principal, action, resource);\npermit (principal action, resource);' }])).toMatch(/^team\.cedar:2:\d+: /);
  });

  test('a rule on an argument no live tool has can never apply, and is refused naming the policy', () => {
    const errors = errorsOf([{ name: 'a.cedar', text: '@id("typo") permit (principal, action == McpHub::Action::"call", resource) when { context.arguments has rep && context.arguments.rep == "x" };' }]);
    expect(errors).toMatch(/^a\.cedar:1:\d+: policy typo: /);
    expect(errors).toContain('policy is impossible');
  });

  test('an argument two tools type differently cannot be used (no single Cedar type fits it)', () => {
    expect(errorsOf([{ name: 'a.cedar', text: 'permit (principal, action == McpHub::Action::"call", resource) when { context.arguments has limit };' }])).toContain('two tools type differently');
  });

  test('a type error against the manifests is refused', () => {
    expect(errorsOf([{ name: 'a.cedar', text: 'permit (principal, action == McpHub::Action::"call", resource) when { context.arguments has repo && context.arguments.repo > 3 };' }])).toMatch(/policy a\.cedar#1/);
  });

  test('two policies with one id are refused', () => {
    expect(errorsOf([{ name: 'a.cedar', text: '@id("x") permit (principal, action, resource);' }, { name: 'b.cedar', text: '@id("x") forbid (principal, action, resource);' }])).toContain('two policies have the id "x"');
  });

  test('prompt arguments are typed from the prompts', () => {
    expect(CedarPolicySet.compile([{ name: 'p.cedar', text: 'permit (principal, action == McpHub::Action::"get_prompt", resource) when { context.arguments has ticket_id && context.arguments.ticket_id like "T-*" };' }], schema).ok).toBe(true);
  });
});

describe('docs/examples/policy.cedar', () => {
  test('validates against manifests that have the arguments it names', () => {
    const text = readFileSync(join(__dirname, '../../../../docs/examples/policy.cedar'), 'utf8');
    const result = CedarPolicySet.compile([{ name: 'policy.cedar', text }], schema);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const example = (result as { policySet: CedarPolicySet }).policySet;
    const supportAgent = policyPrincipalOf({ id: 'sam', scopes: ['role:support'] });
    expect(example.decide(supportAgent, 'call', sendEmail, { to: 'kim@example.com' })).toMatchObject({ allowed: true, needsApproval: true });
    expect(example.decide(supportAgent, 'call', sendEmail, { to: 'kim@elsewhere.test' }).allowed).toBe(false);
    expect(example.decide(dev, 'call', search, { repo: 'acme/api' }).allowed).toBe(true);
  });
});

describe("README's tighter embedded policy", () => {
  test('validates, and lets the local user read everywhere but write only to the helpdesk', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const text = readme.split('```cedar\n')[1]!.split('```')[0]!;
    const result = CedarPolicySet.compile([{ name: 'README.md', text }], schema);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const local = policyPrincipalOf({ id: 'local', scopes: ['*'] });
    const policySet = (result as { policySet: CedarPolicySet }).policySet;
    const helpdeskWrite: ToolTarget = { ...createIssue, connector: 'helpdesk', name: 'helpdesk_create_ticket' };
    expect(policySet.decide(local, 'call', search, { repo: 'any/repo' }).allowed).toBe(true);
    expect(policySet.decide(local, 'call', createIssue, { repo: 'any/repo' }).allowed).toBe(false);
    expect(policySet.decide(local, 'call', helpdeskWrite, {}).allowed).toBe(true);
    expect(policySet.decide(local, 'read', { kind: 'resource', connector: 'helpdesk', uri: 'helpdesk://queue' }).allowed).toBe(true);
  });
});
