import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { DetailedError, SchemaJson } from '@cedar-policy/cedar-wasm/nodejs';
import { cedarContext, cedarRequest, unknownArgumentsContext } from './cedar-request';
import type { PolicyPrincipal } from './policy-principal';
import type { PolicyAction, PolicyTarget } from './policy-target';

/** One policy file's text, named for error messages. */
export interface PolicySource {
  name: string;
  text: string;
}

/** The answer for one request. */
export interface PolicyDecision {
  allowed: boolean;
  /**
   * A policy that allowed the request carries `@approval` (any value): the call needs a person's
   * approval before it runs. Only set when `allowed`.
   */
  needsApproval: boolean;
  /** Ids of the policies that decided (`@id("…")`, else `<file>#<n>`), for logs and audit. */
  policies: string[];
  /** Policies that failed to evaluate on this request (the request is then denied: fail closed). */
  errors: string[];
}

export type CompileResult = { ok: true; policySet: CedarPolicySet } | { ok: false; errors: string[] };

/** The annotation that marks the calls a policy allows as needing approval. */
export const APPROVAL_ANNOTATION = 'approval';

/** Cedar's warning for a policy that evaluates to false for every valid request (it has no code to match). */
const IMPOSSIBLE_POLICY = /policy is impossible/;

let preparsedIds = 0;

/**
 * One compiled, validated set of Cedar policies: immutable, so a call evaluated against it sees
 * all of one version and none of another. Replacing the policy means compiling a new set.
 */
export class CedarPolicySet {
  private constructor(
    /** The wasm module's cache key of the preparsed set (calls skip parsing). */
    private readonly preparsedId: string,
    private readonly policies: Record<string, string>,
    private readonly approvalIds: ReadonlySet<string>,
    /** Validation warnings against the schema it was compiled with (never fatal). */
    readonly warnings: readonly string[],
  ) {}

  /** An empty set: Cedar denies every request (deny by default). */
  static denyAll(): CedarPolicySet {
    const empty = CedarPolicySet.compile([], undefined);
    if (!empty.ok) throw new Error(`an empty Cedar policy set did not compile: ${empty.errors.join('; ')}`);
    return empty.policySet;
  }

  /**
   * Parses every source, gives each policy an id, validates the whole set against `schema`
   * (strict mode) when given, and preparses it. Errors name the file, line and column.
   */
  static compile(sources: readonly PolicySource[], schema: SchemaJson<string> | undefined): CompileResult {
    const errors: string[] = [];
    const policies: Record<string, string> = {};
    const approvalIds = new Set<string>();
    /** Where each policy starts, to name its file and line in validation errors. */
    const origins: Record<string, { source: PolicySource; offset: number }> = {};
    for (const source of sources) {
      const parts = cedar.policySetTextToParts(source.text);
      if (parts.type === 'failure') {
        errors.push(...parts.errors.map((error) => describe(error, { source, offset: 0 })));
        continue;
      }
      if (parts.policy_templates.length > 0) errors.push(`${source.name}: policy templates are not supported; write static policies`);
      parts.policies.forEach((text, index) => {
        const json = cedar.policyToJson(text);
        if (json.type === 'failure') {
          errors.push(...json.errors.map((error) => describe(error, { source, offset: Math.max(0, source.text.indexOf(text)) })));
          return;
        }
        const annotations = json.json.annotations ?? {};
        const id = annotations['id'] ?? `${source.name}#${index + 1}`;
        if (policies[id] !== undefined) errors.push(`${source.name}: two policies have the id "${id}"`);
        policies[id] = text;
        origins[id] = { source, offset: Math.max(0, source.text.indexOf(text)) };
        if (annotations[APPROVAL_ANNOTATION] !== undefined) approvalIds.add(id);
      });
    }
    if (errors.length > 0) return { ok: false, errors };
    let warnings: string[] = [];
    if (schema) {
      const validation = cedar.validate({ schema, policies: { staticPolicies: policies }, validationSettings: { mode: 'strict' } });
      if (validation.type === 'failure') return { ok: false, errors: validation.errors.map((error) => describe(error)) };
      // A policy that can never apply is a mistake (most often an argument name no live tool has): refuse it too.
      const impossible = validation.validationWarnings.filter(({ error }) => IMPOSSIBLE_POLICY.test(error.message));
      const refused = [...validation.validationErrors, ...impossible];
      if (refused.length > 0) {
        return {
          ok: false,
          errors: refused.map(({ policyId, error }) => {
            const hint = IMPOSSIBLE_POLICY.test(error.message) ? ' (does it test an argument that no live tool has, or that two tools type differently?)' : '';
            return describe(error, origins[policyId], policyId) + hint;
          }),
        };
      }
      warnings = validation.validationWarnings.map(({ policyId, error }) => `policy ${policyId}: ${error.message}`);
    }
    const preparsedId = `policy-set-${++preparsedIds}`;
    const preparsed = cedar.preparsePolicySet(preparsedId, { staticPolicies: policies });
    if (preparsed.type === 'failure') return { ok: false, errors: preparsed.errors.map((error) => describe(error)) };
    return { ok: true, policySet: new CedarPolicySet(preparsedId, policies, approvalIds, warnings) };
  }

  /** How many policies the set holds. */
  get size(): number {
    return Object.keys(this.policies).length;
  }

  /** Whether `principal` may do `action` on `target` with these arguments. */
  decide(principal: PolicyPrincipal, action: PolicyAction, target: PolicyTarget, args?: Record<string, unknown>): PolicyDecision {
    const request = cedarRequest(principal, action, target);
    const answer = cedar.statefulIsAuthorized({ ...request, context: cedarContext(action, args), preparsedPolicySetId: this.preparsedId });
    if (answer.type === 'failure') return { allowed: false, needsApproval: false, policies: [], errors: answer.errors.map((error) => error.message) };
    const { decision, diagnostics } = answer.response;
    const errors = diagnostics.errors.map(({ policyId, error }) => `policy ${policyId}: ${error.message}`);
    // Cedar skips a policy that errors; a skipped `forbid` would let the request through, so any error denies.
    const allowed = decision === 'allow' && errors.length === 0;
    return { allowed, needsApproval: allowed && diagnostics.reason.some((id) => this.approvalIds.has(id)), policies: diagnostics.reason, errors };
  }

  /**
   * Whether some arguments could let `principal` do `action` on `target`: the arguments are a
   * Cedar `unknown`, and only a definite deny hides the target. This is what lists show.
   */
  mayAllow(principal: PolicyPrincipal, action: PolicyAction, target: PolicyTarget): boolean {
    const request = cedarRequest(principal, action, target);
    const answer = cedar.isAuthorizedPartial({ ...request, context: unknownArgumentsContext(action), policies: { staticPolicies: this.policies }, entities: request.entities });
    if (answer.type === 'failure') return false;
    return answer.response.decision !== 'deny';
  }
}

/**
 * A Cedar error as one line: `file:line:column: ` of its first source location (offsets count
 * from the policy's own start when `origin.offset` is given), the policy id, the message and
 * Cedar's help.
 */
function describe(error: DetailedError, origin?: { source: PolicySource; offset: number }, policyId?: string): string {
  const location = error.sourceLocations?.[0];
  let where = origin ? `${origin.source.name}: ` : '';
  if (origin && location) {
    const start = origin.offset + location.start;
    const before = origin.source.text.slice(0, start);
    where = `${origin.source.name}:${before.split('\n').length}:${start - before.lastIndexOf('\n')}: `;
  }
  const policy = policyId ? `policy ${policyId}: ` : '';
  const help = error.help ? ` (${error.help})` : '';
  return `${where}${policy}${error.message}${help}`;
}
