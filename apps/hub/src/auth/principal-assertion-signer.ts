import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  DEFAULT_PRINCIPAL_ASSERTION_TTL_MS,
  JOB_ASSERTION_TYPE,
  PRINCIPAL_ASSERTION_TYPE,
  jobAssertionClaims,
  principalAssertionClaims,
  type JobAssertionSubject,
  type Principal,
} from '@mcp-hub/connector-contract';

/**
 * Signs the assertion a request carries to a connector (`Mcphub-Assertion`): principal, scopes,
 * roles, the connector as audience, the invocation id, a life of a few minutes. Ed25519: one
 * signature costs a few tens of microseconds, on every call.
 */
export class PrincipalAssertionSigner {
  constructor(
    private readonly privateKey: KeyObject,
    /** Life of each assertion, ms. Default {@link DEFAULT_PRINCIPAL_ASSERTION_TTL_MS}. */
    private readonly ttlMs = DEFAULT_PRINCIPAL_ASSERTION_TTL_MS,
  ) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the assertion signing key must be Ed25519, got ${privateKey.asymmetricKeyType}`);
  }

  /** From a PKCS #8 PEM (`openssl genpkey -algorithm ed25519`). */
  static fromPem(pem: string, ttlMs?: number): PrincipalAssertionSigner {
    return new PrincipalAssertionSigner(createPrivateKey(pem), ttlMs);
  }

  /**
   * A key pair made for this process only (the embedded mode, where hub and connectors share a
   * process): the public key goes straight to the in-process connectors.
   */
  static ephemeral(ttlMs?: number): { signer: PrincipalAssertionSigner; publicKey: KeyObject } {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { signer: new PrincipalAssertionSigner(privateKey, ttlMs), publicKey };
  }

  sign(principal: Principal, connector: string, invocationId: string): Promise<string> {
    const claims = principalAssertionClaims(principal, connector, invocationId, this.ttlMs);
    return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: PRINCIPAL_ASSERTION_TYPE }).sign(this.privateKey);
  }

  /** The assertion a queued job carries: bound to the job, its tool and arguments, valid until the job's deadline (not `ttlMs`). */
  signJob(principal: Principal, job: JobAssertionSubject): Promise<string> {
    return new SignJWT(jobAssertionClaims(principal, job)).setProtectedHeader({ alg: 'EdDSA', typ: JOB_ASSERTION_TYPE }).sign(this.privateKey);
  }
}
