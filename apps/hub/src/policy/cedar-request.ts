import type { CedarValueJson, Context, EntityJson, EntityUidJson } from '@cedar-policy/cedar-wasm/nodejs';
import { CEDAR_NAMESPACE } from './cedar-schema';
import type { PolicyPrincipal } from './policy-principal';
import type { PolicyAction, PolicyTarget } from './policy-target';

/** One Cedar request, ready for `isAuthorized`: principal, action, resource and the entities they need. */
export interface CedarRequest {
  principal: EntityUidJson;
  action: EntityUidJson;
  resource: EntityUidJson;
  entities: EntityJson[];
}

const uid = (type: string, id: string): { type: string; id: string } => ({ type: `${CEDAR_NAMESPACE}::${type}`, id });

/** The Cedar principal, action, resource and entities for one request. */
export function cedarRequest(principal: PolicyPrincipal, action: PolicyAction, target: PolicyTarget): CedarRequest {
  const principalUid = uid('Principal', principal.id);
  const connectorUid = uid('Connector', target.connector);
  const entities: EntityJson[] = [
    { uid: principalUid, attrs: { scopes: [...principal.scopes] }, parents: principal.roles.map((role) => uid('Role', role)) },
    ...principal.roles.map((role) => ({ uid: uid('Role', role), attrs: {}, parents: [] })),
    { uid: connectorUid, attrs: {}, parents: [] },
  ];
  let resource: { type: string; id: string };
  switch (target.kind) {
    case 'tool': {
      resource = uid('Tool', target.name);
      const { readOnlyHint, destructiveHint, idempotentHint, openWorldHint } = target.annotations;
      const attrs = { name: target.name, connector: target.connector, readOnly: readOnlyHint, destructive: destructiveHint, idempotent: idempotentHint, openWorld: openWorldHint, scopes: [...target.scopes] };
      entities.push({ uid: resource, attrs, parents: [connectorUid] });
      break;
    }
    case 'resource':
      resource = uid('Resource', target.uri);
      entities.push({ uid: resource, attrs: { uri: target.uri, connector: target.connector }, parents: [connectorUid] });
      break;
    case 'prompt':
      resource = uid('Prompt', target.name);
      entities.push({ uid: resource, attrs: { name: target.name, connector: target.connector }, parents: [connectorUid] });
      break;
  }
  return { principal: principalUid, action: uid('Action', action), resource, entities };
}

/**
 * The Cedar context of a request. `call` and `get_prompt` carry the arguments the client sent,
 * as far as they map to Cedar values: strings, safe integers, booleans and arrays of those.
 * Objects are left out on purpose: a Cedar JSON record with an `__entity` or `__extn` key would
 * be read as an entity reference or an extension value, which a client must not be able to forge.
 */
export function cedarContext(action: PolicyAction, args: Record<string, unknown> = {}): Context {
  if (action !== 'call' && action !== 'get_prompt') return {};
  const converted: Record<string, CedarValueJson> = {};
  for (const [name, value] of Object.entries(args)) {
    const cedarValue = cedarValueOf(value);
    if (cedarValue !== undefined) converted[name] = cedarValue;
  }
  return { arguments: converted };
}

/**
 * The context for "could any arguments be allowed?" (list visibility): `arguments` is a Cedar
 * `unknown`, so partial evaluation leaves rules on arguments as residuals instead of deciding them.
 */
export function unknownArgumentsContext(action: PolicyAction): Context {
  if (action !== 'call' && action !== 'get_prompt') return {};
  return { arguments: { __extn: { fn: 'unknown', arg: 'arguments' } } };
}

function cedarValueOf(value: unknown): CedarValueJson | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (Array.isArray(value)) {
    const elements = value.map(scalarOf);
    return elements.every((element) => element !== undefined) ? (elements as CedarValueJson[]) : undefined;
  }
  return undefined;
}

function scalarOf(value: unknown): CedarValueJson | undefined {
  return Array.isArray(value) ? undefined : cedarValueOf(value);
}
