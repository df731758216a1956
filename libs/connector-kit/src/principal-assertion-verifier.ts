import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import {
  JOB_ASSERTION_TYPE,
  JobAssertionClaimsSchema,
  PRINCIPAL_ASSERTION_ISSUER,
  PRINCIPAL_ASSERTION_TYPE,
  PrincipalAssertionClaimsSchema,
  jobArgumentsHash,
  principalOfAssertion,
  type Principal,
} from '@mcp-hub/connector-contract';

/** An assertion that does not verify; the message is for the connector's log, never the model's. */
export class AssertionRejected extends Error {
  override readonly name = 'AssertionRejected';
}

export interface PrincipalAssertionVerifierOptions {
  /** The hub's Ed25519 public keys (several during a key rotation). */
  publicKeys: readonly KeyObject[];
  /** This connector's id: the audience every assertion must name. */
  connectorId: string;
  /** Clock skew tolerated on `exp`, seconds. Default 5. */
  clockToleranceSeconds?: number;
}

/** Most invocation ids remembered against replays; beyond it the oldest go (they expire within minutes anyway). */
const MAX_REMEMBERED = 100_000;

/**
 * Verifies the hub's principal assertion (`Mcphub-Assertion`) before a handler runs: EdDSA
 * signature by one of the hub's keys, `typ`, issuer, this connector as audience, expiry, the
 * request's own invocation id, and not seen before on this replica. A bus client that can
 * publish on this connector's subjects still cannot choose the principal.
 */
export class PrincipalAssertionVerifier {
  private readonly seen = new Map<string, number>();
  private readonly tolerance: number;

  constructor(private readonly options: PrincipalAssertionVerifierOptions) {
    if (options.publicKeys.length === 0) throw new Error('at least one hub public key is needed to verify principal assertions');
    for (const key of options.publicKeys) {
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`hub assertion keys must be Ed25519, got ${key.asymmetricKeyType}`);
    }
    this.tolerance = options.clockToleranceSeconds ?? 5;
  }


  /**
   * @returns the principal the assertion names
   * @throws AssertionRejected saying why
   */
  async verify(assertion: string | undefined, invocationId: string): Promise<Principal> {
    if (!assertion) throw new AssertionRejected('the request carries no principal assertion');
    const claims = PrincipalAssertionClaimsSchema.safeParse(await this.verifiedPayload(assertion, PRINCIPAL_ASSERTION_TYPE));
    if (!claims.success) throw new AssertionRejected('the principal assertion has malformed claims');
    if (claims.data.jti !== invocationId) throw new AssertionRejected('the principal assertion is for another invocation');
    this.remember(claims.data.jti, claims.data.exp * 1000);
    return principalOfAssertion(claims.data);
  }

  /**
   * Verifies a queued job's assertion (`JobData.assertion`): the same checks as {@link verify}
   * but of the job type, for this job id, tool and arguments, until the job's deadline. No replay
   * check: every attempt of a job (a retry, a stalled job taken over) presents the same assertion.
   * @returns the principal the assertion names
   * @throws AssertionRejected saying why
   */
  async verifyJob(assertion: string | undefined, job: { id: string; tool: string; arguments: Record<string, unknown> }): Promise<Principal> {
    if (!assertion) throw new AssertionRejected('the job carries no principal assertion');
    const claims = JobAssertionClaimsSchema.safeParse(await this.verifiedPayload(assertion, JOB_ASSERTION_TYPE));
    if (!claims.success) throw new AssertionRejected('the job assertion has malformed claims');
    if (claims.data.jti !== job.id) throw new AssertionRejected('the job assertion is for another job');
    if (claims.data.tool !== job.tool) throw new AssertionRejected('the job assertion is for another tool');
    if (claims.data.args !== jobArgumentsHash(job.arguments)) throw new AssertionRejected('the job assertion is for other arguments');
    return principalOfAssertion(claims.data);
  }

  /** The payload of an assertion of type `typ` that one of the hub's keys signed, for this connector, not expired. */
  private async verifiedPayload(assertion: string, typ: string): Promise<unknown> {
    let lastError: unknown;
    for (const key of this.options.publicKeys) {
      try {
        const { payload } = await jwtVerify(assertion, key, {
          algorithms: ['EdDSA'],
          typ,
          issuer: PRINCIPAL_ASSERTION_ISSUER,
          audience: this.options.connectorId,
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          clockTolerance: this.tolerance,
        });
        return payload;
      } catch (error) {
        lastError = error;
      }
    }
    throw new AssertionRejected(`the principal assertion does not verify: ${(lastError as Error).message}`);
  }

  private remember(invocationId: string, expiresAt: number): void {
    const now = Date.now();
    const known = this.seen.get(invocationId);
    if (known !== undefined && known > now) throw new AssertionRejected('the principal assertion was already used (replay)');
    if (this.seen.size >= MAX_REMEMBERED) {
      for (const [id, until] of this.seen) if (until <= now || this.seen.size >= MAX_REMEMBERED) this.seen.delete(id);
    }
    this.seen.set(invocationId, expiresAt + this.tolerance * 1000);
  }
}

/**
 * The public keys in SPKI PEM text (`openssl pkey -pubout`), one or several concatenated (during
 * a rotation).
 * @throws Error when there is none
 */
export function publicKeysFromPem(pem: string): KeyObject[] {
  const blocks = pem.match(/-----BEGIN PUBLIC KEY-----[^-]+-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM public key (-----BEGIN PUBLIC KEY-----) found');
  return blocks.map((block) => createPublicKey(block));
}
