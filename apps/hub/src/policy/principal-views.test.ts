import type { PolicyPrincipal } from './policy-principal';
import type { PolicyTarget } from './policy-target';
import { MAX_VIEWS_RECOMPUTED, PrincipalViews, type Catalog } from './principal-views';

const target = (name: string): PolicyTarget => ({ kind: 'prompt', connector: 'echo', name });
const catalog: Catalog<string, string, string> = {
  tools: [],
  resources: [],
  resourceTemplates: [],
  prompts: ['echo_a', 'echo_b'].map((name) => ({ listed: name, target: target(name), key: name })),
};
const principal = (id: string): PolicyPrincipal => ({ id, roles: [], scopes: [] });

describe('PrincipalViews', () => {
  /** A policy as a set of "principal:item" pairs it allows. */
  let allowed: Set<string>;
  const views = () => new PrincipalViews<string, string, string>({ visible: (p, _action, t) => allowed.has(`${p.id}:${(t as { name: string }).name}`) });
  beforeEach(() => {
    allowed = new Set(['ann:echo_a', 'bob:echo_a']);
  });

  test('a policy change names only the principals whose lists changed, and only those lists', () => {
    const cache = views();
    expect(cache.view(principal('ann'), catalog).prompts).toEqual(['echo_a']);
    expect(cache.view(principal('bob'), catalog).prompts).toEqual(['echo_a']);
    allowed.add('bob:echo_b');
    expect(cache.policyChanged(catalog)).toEqual({ tools: false, resources: false, prompts: true, principals: new Set(['bob']) });
    expect(cache.view(principal('bob'), catalog).prompts).toEqual(['echo_a', 'echo_b']);
    expect(cache.policyChanged(catalog)).toBeUndefined();
  });

  test('beyond the views it recomputes, a change counts for everyone', () => {
    const cache = views();
    for (let i = 0; i <= MAX_VIEWS_RECOMPUTED; i++) cache.view(principal(`p${i}`), catalog);
    expect(cache.policyChanged(catalog)).toEqual({ tools: true, resources: true, prompts: true, principals: undefined });
    // The views kept are the most recent ones, computed under the new policy.
    expect(cache.policyChanged(catalog)).toBeUndefined();
  });
});
