import type { KeyObject } from 'node:crypto';
import { manifestSignatureFault, type Manifest } from '@mcp-hub/connector-contract';

/** Why an announcement was refused for its signature (the `reason` label of `mcphub_manifests_refused_total`). */
export type ManifestRefusal = 'unsigned' | 'malformed_signature' | 'bad_signature' | 'no_key';

export interface ManifestSignaturesOptions {
  /** Per connector id, the Ed25519 public keys its manifest may be signed with (several during a rotation). */
  keys: ReadonlyMap<string, readonly KeyObject[]>;
  /**
   * Refuse connectors that have no key here. Connectors that have one must present a valid
   * signature whatever this says (docs/decisions/0010-signed-manifests.md).
   */
  required: boolean;
}

const EXPLANATIONS: Record<ManifestRefusal, string> = {
  unsigned: 'its manifest is not signed, and a signing key is configured for it',
  malformed_signature: 'its manifest signature is not an ed25519:<base64url> signature',
  bad_signature: 'its manifest signature does not verify with the key(s) configured for it (another key, or a manifest changed after signing)',
  no_key: 'signed manifests are required and no signing key is configured for it',
};

/**
 * Which connector manifests the hub trusts: against server spoofing, a connector with a configured
 * public key must announce a manifest signed by it (so a bus client holding that connector's NATS
 * credentials, or any other, cannot serve definitions the key holder did not sign); with
 * `required`, a connector without a key is refused too.
 */
export class ManifestSignatures {
  constructor(private readonly options: ManifestSignaturesOptions) {
    for (const [id, keys] of options.keys) {
      if (keys.length === 0) throw new Error(`no public key configured for connector ${id}`);
      for (const key of keys) {
        if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') throw new Error(`the manifest key of connector ${id} must be an Ed25519 public key, got ${key.type} ${key.asymmetricKeyType ?? ''}`.trim());
      }
    }
  }

  /** Whether this hub verifies anything at all. */
  get active(): boolean {
    return this.options.required || this.options.keys.size > 0;
  }

  /** Whether `connector` has a configured key (its id is then a bounded metric label). */
  hasKey(connector: string): boolean {
    return this.options.keys.has(connector);
  }

  /** Undefined when the manifest may join, else why not. */
  refusal(manifest: Manifest): ManifestRefusal | undefined {
    const keys = this.options.keys.get(manifest.id);
    if (!keys) return this.options.required ? 'no_key' : undefined;
    const fault = manifestSignatureFault(manifest, keys);
    if (fault === undefined) return undefined;
    return fault === 'unsigned' ? 'unsigned' : fault === 'malformed' ? 'malformed_signature' : 'bad_signature';
  }

  /** A sentence for the log: why `refusal` refused. */
  static explain(refusal: ManifestRefusal): string {
    return EXPLANATIONS[refusal];
  }
}
