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
    for (const source of sources) {
      const parts = cedar.policySetTextToParts(source.text);
      if (parts.type === 'failure') {
        errors.push(...parts.errors.map((error) => describe(error, source)));
        continue;
      }
      if (parts.policy_templates.length > 0) errors.push(`${source.name}: policy templates are not supported; write static policies`);
      parts.policies.forEach((text, index) => {
        const json = cedar.policyToJson(text);
        if (json.type === 'failure') {
          errors.push(...json.errors.map((error) => describe(error, source)));
          return;
        }
        const annotations = json.json.annotations ?? {};
        const id = annotations['id'] ?? `${source.name}#${index + 1}`;
        if (policies[id] !== undefined) errors.push(`${source.name}: two policies have the id "${id}"`);
        policies[id] = text;
        if (annotations[APPROVAL_ANNOTATION] !== undefined) approvalIds.add(id);
      });
    }
    if (errors.length > 0) return { ok: false, errors };
    let warnings: string[] = [];
    if (schema) {
      const validation = cedar.validate({ schema, policies: { staticPolicies: policies }, validationSettings: { mode: 'strict' } });
      if (validation.type === 'failure') return { ok: false, errors: validation.errors.map((error) => describe(error)) };
      if (validation.validationErrors.length > 0) {
        return { ok: false, errors: validation.validationErrors.map(({ policyId, error }) => `policy ${policyId}: ${describe(error, undefined, policies[policyId])}`) };
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

/** A Cedar error as one line: the file, line and column of its first source location, the message and Cedar's help. */
function describe(error: DetailedError, source?: PolicySource, text = source?.text): string {
  const location = error.sourceLocations?.[0];
  let where = source ? `${source.name}: ` : '';
  if (location && text !== undefined) {
    const before = text.slice(0, location.start);
    const line = before.split('\n').length;
    const column = location.start - before.lastIndexOf('\n');
    where = source ? `${source.name}:${line}:${column}: ` : `line ${line}:${column}: `;
  }
  const help = error.help ? ` (${error.help})` : '';
  return `${where}${error.message}${help}`;
}
