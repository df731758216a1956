import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import { PRINCIPAL_ASSERTION_ISSUER, PRINCIPAL_ASSERTION_TYPE, PrincipalAssertionClaimsSchema, principalOfAssertion, type Principal } from '@mcp-hub/connector-contract';

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
    let payload: unknown;
    let lastError: unknown;
    for (const key of this.options.publicKeys) {
      try {
        ({ payload } = await jwtVerify(assertion, key, {
          algorithms: ['EdDSA'],
          typ: PRINCIPAL_ASSERTION_TYPE,
          issuer: PRINCIPAL_ASSERTION_ISSUER,
          audience: this.options.connectorId,
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          clockTolerance: this.tolerance,
        }));
        break;
      } catch (error) {
        lastError = error;
      }
    }
    if (payload === undefined) throw new AssertionRejected(`the principal assertion does not verify: ${(lastError as Error).message}`);
    const claims = PrincipalAssertionClaimsSchema.safeParse(payload);
    if (!claims.success) throw new AssertionRejected('the principal assertion has malformed claims');
    if (claims.data.jti !== invocationId) throw new AssertionRejected('the principal assertion is for another invocation');
    this.remember(claims.data.jti, claims.data.exp * 1000);
    return principalOfAssertion(claims.data);
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
