/** The revocation list cannot be read: the caller refuses the request (fails closed). */
export class RevocationListUnavailable extends Error {
  override readonly name = 'RevocationListUnavailable';
}

/**
 * Token ids (`jti`) revoked before their expiry, shared by every hub replica. An entry lives
 * until the token would have expired anyway, so the list stays as small as the live tokens.
 * Every method may reject with {@link RevocationListUnavailable}.
 */
export interface RevocationList {
  /** Revokes `tokenId` until `expiresAt` (epoch ms; after that the token is dead anyway). */
  revoke(tokenId: string, expiresAt: number): Promise<void>;
  isRevoked(tokenId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The embedded hub's list: this process only (the hub that minted is the hub that checks). */
export class InMemoryRevocationList implements RevocationList {
  private readonly revoked = new Map<string, number>();

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    this.revoked.set(tokenId, expiresAt);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    const until = this.revoked.get(tokenId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.revoked.delete(tokenId);
    return false;
  }

  async close(): Promise<void> {
    this.revoked.clear();
  }
}
