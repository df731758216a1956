import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { Manifest } from './manifest';

/**
 * What a manifest signature starts with: the algorithm, so that another one can follow without
 * ambiguity. The rest is the raw 64-byte Ed25519 signature in base64url (86 characters).
 */
export const MANIFEST_SIGNATURE_PREFIX = 'ed25519:';

/**
 * Domain separation: the signed bytes start with this line, so a manifest signature can never be
 * taken for a signature of anything else made with the same key (and the other way round).
 */
const SIGNED_CONTEXT = 'mcphub manifest signature v1\n';

const SIGNATURE_SHAPE = /^ed25519:[A-Za-z0-9_-]{86}$/;

/**
 * The bytes a manifest signature covers: {@link SIGNED_CONTEXT}, then the canonical JSON
 * (`canonicalJson`: keys sorted, `undefined` dropped) of the whole manifest without `signature`.
 * The manifest's `id` and `version` are part of it, so a signature made for one connector (or
 * one version) does not verify for another; so are every tool, resource, template and prompt
 * definition, so no definition can be changed after signing. Both sides compute it from the
 * manifest as parsed by `ManifestSchema` (defaults filled in), as they do for `manifestDigest`.
 */
export function manifestSigningInput(manifest: Manifest): Buffer {
  const { signature: _signature, ...unsigned } = manifest;
  return Buffer.from(SIGNED_CONTEXT + canonicalJson(unsigned), 'utf8');
}

/**
 * The manifest with its `signature` set, made with a connector's Ed25519 private key.
 * @throws Error when the key is not an Ed25519 private key
 */
export function signManifest(manifest: Manifest, privateKey: KeyObject): Manifest {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`a manifest signing key must be an Ed25519 private key, got ${privateKey.type} ${privateKey.asymmetricKeyType ?? ''}`.trim());
  }
  const signature = sign(null, manifestSigningInput(manifest), privateKey).toString('base64url');
  return { ...manifest, signature: MANIFEST_SIGNATURE_PREFIX + signature };
}

/** Why a manifest's signature was not accepted: none, not of the expected shape, or made with none of the keys. */
export type ManifestSignatureFault = 'unsigned' | 'malformed' | 'mismatch';

/**
 * Checks a manifest's signature against the public keys trusted for its connector (several
 * during a key rotation; any one may have signed).
 * @returns undefined when one of the keys signed exactly this manifest, else the fault
 */
export function manifestSignatureFault(manifest: Manifest, publicKeys: readonly KeyObject[]): ManifestSignatureFault | undefined {
  const { signature } = manifest;
  if (signature === undefined) return 'unsigned';
  if (!SIGNATURE_SHAPE.test(signature)) return 'malformed';
  const bytes = Buffer.from(signature.slice(MANIFEST_SIGNATURE_PREFIX.length), 'base64url');
  const input = manifestSigningInput(manifest);
  return publicKeys.some((key) => verify(null, input, key, bytes)) ? undefined : 'mismatch';
}
