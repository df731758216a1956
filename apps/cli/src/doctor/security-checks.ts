import { accessSync, constants } from 'node:fs';
import pino from 'pino';
import type { CliConfig } from '../cli-config';
import { ConfigError } from '../config-loader';
import { assertAuthOrLoopback, assertionSigner, authConfigured, hubTokenSigner } from '../hub-auth';
import { fail, messageOf, ok, warn, withTimeout, type DoctorCheck } from './doctor-check';
import { connectorPublicKeys, signedManifestsRequired } from '../manifest-keys';

const JWKS_TIMEOUT_MS = 3000;

/**
 * What the hub front needs to let the right clients in: authentication (or loopback only), the
 * hub's token key, each issuer's JWKS answering, the key that signs the principal for
 * connectors, and the policy files.
 */
export async function checkHubSecurity(config: CliConfig): Promise<DoctorCheck[]> {
  return [checkAuthentication(config), ...(await checkIssuers(config)), checkAssertionKey(config), checkManifestKeys(config), checkPolicyFiles(config)];
}

/** The connector public keys of `signedManifests` load, and whether an unsigned connector could join. */
function checkManifestKeys(config: CliConfig): DoctorCheck {
  const name = 'connector manifest keys';
  let keys: Map<string, unknown>;
  try {
    keys = connectorPublicKeys(config);
  } catch (error) {
    return fail(name, messageOf(error), 'point it at the <connector>.pub.pem that mcp-hub keys create wrote');
  }
  const required = signedManifestsRequired(config);
  if (keys.size === 0 && !required) {
    return warn(name, 'none: any bus client allowed on a connector\'s registry subjects can make the hub serve definitions nobody signed', 'mcp-hub keys create <connector>, then set signedManifests.keys (MCP_HUB_CONNECTOR_KEYS) here and the private key on the connector');
  }
  const ids = [...keys.keys()].join(', ') || 'none';
  return ok(name, `keys for ${ids}; ${required ? 'connectors without a key are refused' : 'connectors without a key join unsigned (signedManifests.required is false)'}`);
}

function checkAuthentication(config: CliConfig): DoctorCheck {
  const name = 'authentication';
  try {
    assertAuthOrLoopback(config);
  } catch (error) {
    return fail(name, messageOf(error), 'configure auth.issuers or auth.hubTokens, or listen on 127.0.0.1');
  }
  if (!authConfigured(config)) {
    return config.auth.insecureNoAuth
      ? warn(name, `none: every client acts as principal "${config.principal.id}" (--insecure-no-auth)`, 'configure auth.issuers or auth.hubTokens (README, "Authentication")')
      : ok(name, `none, loopback only: clients act as principal "${config.principal.id}"`);
  }
  if (config.auth.hubTokens) {
    try {
      hubTokenSigner(config);
    } catch (error) {
      return fail(name, messageOf(error), 'point auth.hubTokens.keyFile (MCP_HUB_TOKEN_KEY_FILE) at an Ed25519 private key: openssl genpkey -algorithm ed25519 -out hub-token.pem');
    }
  }
  return ok(name, `bearer tokens from ${config.auth.issuers.length} issuer(s)${config.auth.hubTokens ? ' and the hub\'s own key' : ''}`);
}

/** Each issuer with a JWKS URL must answer with a key set: without it no token of theirs verifies. */
async function checkIssuers(config: CliConfig): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const issuer of config.auth.issuers) {
    if (!issuer.jwksUrl) continue;
    const name = `issuer ${issuer.issuer}`;
    try {
      const response = await withTimeout(fetch(issuer.jwksUrl, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) }), JWKS_TIMEOUT_MS + 500, issuer.jwksUrl);
      const body = (await response.json()) as { keys?: unknown[] };
      if (!response.ok || !Array.isArray(body.keys) || body.keys.length === 0) throw new Error(`HTTP ${response.status}, ${Array.isArray(body.keys) ? body.keys.length : 'no'} keys`);
      checks.push(ok(name, `JWKS answers with ${body.keys.length} key(s)`));
    } catch (error) {
      checks.push(fail(name, `${issuer.jwksUrl}: ${messageOf(error)}`, 'check auth.issuers[].jwksUrl and that this host can reach it'));
    }
  }
  return checks;
}

function checkAssertionKey(config: CliConfig): DoctorCheck {
  const name = 'principal signing key';
  try {
    return assertionSigner(config, pino({ level: 'silent' }))
      ? ok(name, 'connectors receive a signed principal')
      : warn(name, 'assertions.signingKeyFile is not set: connectors cannot tell who calls, and those given a public key refuse every call', 'openssl genpkey -algorithm ed25519 -out assertion.pem; set MCP_HUB_ASSERTION_SIGNING_KEY_FILE');
  } catch (error) {
    return fail(name, error instanceof ConfigError ? error.message : messageOf(error), 'point assertions.signingKeyFile at an Ed25519 private key (PEM)');
  }
}

function checkPolicyFiles(config: CliConfig): DoctorCheck {
  const name = 'policy';
  const unreadable = config.policy.files.filter((file) => {
    try {
      accessSync(file, constants.R_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (unreadable.length > 0) return fail(name, `cannot read ${unreadable.join(', ')}`, 'fix policy.files (paths are relative to the working directory)');
  if (config.policy.files.length === 0) {
    return config.policy.required
      ? fail(name, 'policy.required is set and policy.files is empty: every request will be denied', 'list your Cedar files in policy.files (docs/examples/policy.cedar)')
      : warn(name, 'no policy files: every principal may use what its scopes allow', 'write a Cedar policy (README, "Policy") and set policy.files and policy.required');
  }
  return ok(name, `${config.policy.files.length} file(s), readable (their Cedar is checked when the hub starts)`);
}
