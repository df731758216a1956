/**
 * Who asks, as the policy sees it. Kept apart from the hub's `Principal` on purpose: the
 * authentication layer may carry more (claims, token ids) than a policy should read, and this
 * small shape is all the Cedar entities need.
 */
export interface PolicyPrincipal {
  readonly id: string;
  /** Cedar `Role` entities the principal is `in`. */
  readonly roles: readonly string[];
  /** The principal's scopes, as `principal.scopes` (a `Set<String>`). */
  readonly scopes: readonly string[];
}

/** The scope prefix that places a principal in a role while principals carry no roles of their own. */
export const ROLE_SCOPE_PREFIX = 'role:';

/**
 * The policy's view of a hub principal: its own `roles` when it carries them, plus one role per
 * `role:<name>` scope, so a configured principal or a token's scopes can name roles today.
 */
export function policyPrincipalOf(principal: { id: string; scopes: readonly string[]; roles?: readonly string[] }): PolicyPrincipal {
  const fromScopes = principal.scopes.filter((scope) => scope.startsWith(ROLE_SCOPE_PREFIX)).map((scope) => scope.slice(ROLE_SCOPE_PREFIX.length));
  const roles = [...new Set([...(principal.roles ?? []), ...fromScopes])].filter((role) => role.length > 0);
  return { id: principal.id, roles, scopes: principal.scopes };
}

/** A stable key for caches of what a principal sees: equal keys, equal Cedar principal entities. */
export function principalKey(principal: PolicyPrincipal): string {
  return JSON.stringify([principal.id, [...principal.roles].sort(), [...principal.scopes].sort()]);
}
