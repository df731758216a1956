import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import { Subjects, type RegistryEvent } from '@mcp-hub/connector-contract';
import { CliConfigSchema } from '../../apps/cli/src/cli-config';
import { DatabaseConfigSchema } from '../../connectors/database/src/config';
import { cliCommands, connectorIds } from './cli-commands';

/**
 * The deployment files, checked without Docker (there is no engine on CI machines and no
 * `docker compose`): docker-compose.yml against the Compose specification's JSON schema
 * (vendored in compose-spec.schema.json, draft 2020-12), then what the schema cannot know:
 * commands are real `mcp-hub` subcommands, images run as non-root, every service has a health
 * check, every connector has its own NATS user, and the NATS permissions keep connectors apart.
 *
 * The permissions are read from deploy/nats/nats.conf itself (a small parser below) rather than
 * from a JSON both a generator and this test read: the file nats-server loads is the one that
 * must be right, there is no generated artefact to drift, and the subjects probed are built by
 * the contract's own `subjects` functions, so a renamed subject fails here.
 */

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
  deploy?: { replicas?: number };
  profiles?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
}

const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);

function env(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw) ? raw.map((line) => line.split(/=(.*)/s).slice(0, 2)) : Object.entries(raw);
  return Object.fromEntries(entries.map(([key, value]) => [String(key), value === null || value === undefined ? '' : String(value)]));
}

function argv(value: string[] | string | undefined): string[] | undefined {
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value;
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles

interface Dockerfile {
  file: string;
  /** Instructions of the last stage (the image that runs). */
  finalStage: Array<{ instruction: string; args: string }>;
}

function readDockerfile(file: string): Dockerfile {
  const text = read(file).replace(/\\\r?\n/g, ' ');
  const instructions = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const space = line.search(/\s/);
      const instruction = space < 0 ? line : line.slice(0, space);
      return { instruction: instruction.toUpperCase(), args: space < 0 ? '' : line.slice(space).trimStart() };
    });
  const lastFrom = instructions.map((i) => i.instruction).lastIndexOf('FROM');
  return { file, finalStage: instructions.slice(lastFrom) };
}

function lastArg(dockerfile: Dockerfile, instruction: string): string | undefined {
  return dockerfile.finalStage.filter((i) => i.instruction === instruction).at(-1)?.args;
}

function execForm(args: string | undefined): string[] | undefined {
  if (args === undefined) return undefined;
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec-form array: ${args}`);
  return parsed;
}

const builtServices = services.filter(([, s]) => s.build !== undefined);
function dockerfileOf(service: Service): string {
  const build = typeof service.build === 'string' ? { context: service.build } : service.build!;
  return path.posix.join(build.context ?? '.', build.dockerfile ?? 'Dockerfile');
}

// ---------------------------------------------------------------------------------------------
// nats-server configuration: the subset of its format the file uses (maps with `:`/`=`/space,
// blocks `key { }`, arrays `[ ]` separated by commas or new lines, quoted and bare strings,
// `$VARIABLE` references, `#` and `//` comments).

type ConfValue = string | ConfValue[] | { [key: string]: ConfValue };

function parseNatsConf(text: string): Record<string, ConfValue> {
  const tokens: string[] = [];
  const tokenizer = /\s+|#[^\n]*|\/\/[^\n]*|("(?:[^"\\]|\\.)*"|'[^']*')|([{}[\],:=])|([^\s{}[\],:=#"']+)/gy;
  let match: RegExpExecArray | null;
  while (tokenizer.lastIndex < text.length && (match = tokenizer.exec(text))) {
    if (match[1]) tokens.push(match[1]);
    else if (match[2]) tokens.push(match[2]);
    else if (match[3]) tokens.push(match[3]);
  }
  if (tokenizer.lastIndex < text.length) throw new Error(`cannot read nats.conf at offset ${tokenizer.lastIndex}`);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => {
    if (at >= tokens.length) throw new Error('nats.conf ends early');
    return tokens[at++]!;
  };
  const scalar = (token: string) => (/^["']/.test(token) ? token.slice(1, -1) : token);
  const value = (): ConfValue => {
    const token = next();
    if (token === '{') return map('}');
    if (token === '[') {
      const items: ConfValue[] = [];
      while (peek() !== ']') {
        if (peek() === ',') {
          at++;
          continue;
        }
        items.push(value());
      }
      at++;
      return items;
    }
    return scalar(token);
  };
  const map = (end: string | undefined): Record<string, ConfValue> => {
    const result: Record<string, ConfValue> = {};
    while (peek() !== end) {
      if (peek() === ',') {
        at++;
        continue;
      }
      const key = scalar(next());
      if (peek() === ':' || peek() === '=') at++;
      result[key] = value();
    }
    if (end) at++;
    return result;
  };
  return map(undefined);
}

interface NatsUser {
  user: string;
  password: string;
  publish: { allow: string[]; deny: string[] };
  subscribe: { allow: string[]; deny: string[] };
  /** `allow_responses` as written (true, or `{ max, expires }`); undefined when absent. */
  allowResponses?: ConfValue;
}

function natsUsers(conf: Record<string, ConfValue>): NatsUser[] {
  const authorization = conf.authorization as Record<string, ConfValue>;
  const list = (value: ConfValue | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string]);
  const direction = (permissions: Record<string, ConfValue> | undefined, key: string) => {
    const entry = permissions?.[key];
    // A bare list means allow; a missing direction would mean "everything": refuse that below.
    if (entry === undefined) return { allow: ['>'], deny: [] };
    if (Array.isArray(entry) || typeof entry === 'string') return { allow: list(entry), deny: [] };
    return { allow: list(entry.allow), deny: list(entry.deny) };
  };
  return (authorization.users as Array<Record<string, ConfValue>>).map((user) => {
    const permissions = user.permissions as Record<string, ConfValue> | undefined;
    return {
      user: user.user as string,
      password: user.password as string,
      publish: direction(permissions, 'publish'),
      subscribe: direction(permissions, 'subscribe'),
      allowResponses: permissions?.allow_responses,
    };
  });
}

/** NATS subject matching: `*` is one token, `>` one or more trailing tokens. */
function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

function permits(rules: { allow: string[]; deny: string[] }, subject: string): boolean {
  return rules.allow.some((p) => subjectMatches(p, subject)) && !rules.deny.some((p) => subjectMatches(p, subject));
}

/** Every subject a connector serves or owns, built by the contract. */
function subjectsOf(connector: string): string[] {
  return [
    subjects.invoke(connector, 'some_tool'),
    subjects.resourceRead(connector),
    subjects.resourceSubscribe(connector),
    subjects.resourceUpdated(connector),
    subjects.promptGet(connector),
    subjects.complete(connector),
    subjects.cancel(connector),
    ...registryOf(connector),
  ];
}

const subjects = new Subjects();
const registryOf = (connector: string) => (['announce', 'heartbeat', 'goodbye'] as RegistryEvent[]).map((event) => subjects.registry(connector, event));
const natsConf = parseNatsConf(read('deploy/nats/nats.conf'));
const users = natsUsers(natsConf);
const userNamed = (name: string) => users.find((u) => u.user === name);
const connectorServices = services.filter(([, s]) => argv(s.command)?.[0] === 'connector');
const hubServices = services.filter(([, s]) => argv(s.command)?.[0] === 'hub');

/**
 * The schema declares draft 2020-12, hence Ajv2020 (Ajv's default class is draft-07). Strict
 * mode stays on (an unknown keyword in the schema fails), except `strictTypes`: that is a style
 * lint of schemas (union types, `additionalProperties` without `type: object`) which the
 * upstream schema does not follow, and it does not change what validates.
 */
function composeValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  return { ajv, validate: ajv.compile(JSON.parse(read('test/deploy/compose-spec.schema.json'))) };
}

/** Every string value in the parsed file (comments are not configuration). */
function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) yield* strings(item);
}

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const schema = JSON.parse(read('test/deploy/compose-spec.schema.json')) as { $schema: string };
    // The schema declares draft 2020-12, hence Ajv2020 (the default Ajv class is draft-07).
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const { ajv, validate } = composeValidator();
    const valid = validate(compose);
    expect(ajv.errorsText(validate.errors, { separator: '\n' })).toBe('No errors');
    expect(valid).toBe(true);
  });

  it('the schema check itself rejects a broken file', () => {
    const { validate } = composeValidator();
    expect(validate({ services: { hub: { image: 'x', restart: 'sometimes', helthcheck: {} } } })).toBe(false);
  });

  it('has the whole topology', () => {
    const names = services.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['nats', 'redis', 'postgres', 'hub', 'lb', 'connector-helpdesk', 'connector-database']));
    expect(hubServices.map(([, s]) => s.deploy?.replicas ?? 1).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
    expect(read('deploy/nats/nats.conf')).toMatch(/^jetstream\s*\{/m);
  });

  it.each(services)('service %s has a health check and a restart policy', (_name, service) => {
    expect(service.healthcheck?.disable).not.toBe(true);
    const test = service.healthcheck?.test;
    expect(test).toBeDefined();
    expect(Array.isArray(test) ? test[0] : 'CMD-SHELL').not.toBe('NONE');
    expect(service.restart).toMatch(/^(always|unless-stopped|on-failure(:\d+)?)$/);
  });

  it.each(hubServices)('hub service %s is healthy only when /readyz answers', (_name, service) => {
    expect(JSON.stringify(service.healthcheck?.test)).toContain('/readyz');
  });

  it.each(builtServices)('service %s runs an existing mcp-hub subcommand, the same as its image\'s SERVICE', (_name, service) => {
    const dockerfile = readDockerfile(dockerfileOf(service));
    expect(execForm(lastArg(dockerfile, 'ENTRYPOINT'))).toEqual(['node', 'bin/mcp-hub']);
    const commands = cliCommands();
    expect([...commands.keys()]).toEqual(expect.arrayContaining(['start', 'stdio', 'hub', 'connector']));
    const buildArg = typeof service.build === 'object' ? service.build.args?.SERVICE : undefined;
    // The image's default command is the service's command without its flags (`hub --insecure-no-auth` runs `hub`).
    expect(buildArg?.split(' ')).toEqual(argv(service.command)?.filter((arg) => !arg.startsWith('-')));
    for (const args of [argv(service.command), buildArg?.split(' ')]) {
      expect(args).toBeDefined();
      const [command, argument] = args!;
      expect(commands.has(command!)).toBe(true);
      if (commands.get(command!)!.argument) expect(argument).toMatch(/^[a-z][a-z0-9]{1,30}$/);
      if (command === 'connector') expect(connectorIds().has(argument!)).toBe(true);
    }
  });

  it.each(builtServices)('service %s is built from a Dockerfile that runs as a non-root user', (_name, service) => {
    const file = dockerfileOf(service);
    expect(existsSync(path.join(root, file))).toBe(true);
    const user = lastArg(readDockerfile(file), 'USER');
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('one Dockerfile: multi-stage, non-root, a health check, the default command from the SERVICE build argument', () => {
    const text = read('Dockerfile');
    expect(text.match(/^FROM\s/gm)!.length).toBeGreaterThan(1);
    const dockerfile = readDockerfile('Dockerfile');
    expect(lastArg(dockerfile, 'USER')).toBe('node');
    expect(lastArg(dockerfile, 'CMD')).toBeUndefined();
    expect(lastArg(dockerfile, 'ARG')).toBe('SERVICE=hub');
    expect(lastArg(dockerfile, 'ENV')).toContain('MCP_HUB_SERVICE=${SERVICE}');
    expect(lastArg(dockerfile, 'HEALTHCHECK')).toContain('"bin/container-healthcheck"');
    expect(existsSync(path.join(root, 'bin/container-healthcheck'))).toBe(true);
    expect(existsSync(path.join(root, '.dockerignore'))).toBe(true);
    const stray = (dir: string) => readdirSync(path.join(root, dir)).filter((d) => existsSync(path.join(root, dir, d, 'Dockerfile')));
    expect([...stray('apps'), ...stray('connectors')]).toEqual([]);
  });

  it('keeps secrets out of the file: every password, token or credentialed URL is interpolated from .env', () => {
    const example = read('deploy/.env.example');
    const defined = new Set([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    for (const [name, service] of services) {
      for (const [key, value] of Object.entries(env(service))) {
        // An optional service (behind a profile) takes its account's secrets as `${VAR:-}`: compose
        // interpolates every service, so a required one would stop `up` for everyone who does not
        // use that connector; the connector itself refuses to start without them.
        const interpolated = service.profiles ? /^\$\{[A-Z_][A-Z0-9_]*:[?-][^}]*\}$/ : /^\$\{[A-Z_][A-Z0-9_]*:\?[^}]*\}$/;
        if (/PASS|PASSWORD|TOKEN|SECRET|AUTH/.test(key)) expect({ service: name, key, value }).toEqual({ service: name, key, value: expect.stringMatching(interpolated) });
        if (/:\/\/[^/:@\s]+:[^/@\s]+@/.test(value)) expect({ service: name, key, value }).toEqual({ service: name, key, value: expect.stringMatching(/:\/\/[^/:@]+:\$\{[A-Z_][A-Z0-9_]*:\?[^}]*\}@/) });
      }
    }
    // Every variable the file needs without a default is documented in deploy/.env.example.
    for (const match of [...strings(compose)].flatMap((text) => [...text.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?+])[^}]*)?\}/g)])) {
      if (match[2]?.endsWith('-')) continue;
      expect({ variable: match[1], documented: defined.has(match[1]!) }).toEqual({ variable: match[1], documented: true });
    }
  });

  it('deploy/hub.config.json is a valid hub configuration, and the database sources find their URLs', () => {
    const config = CliConfigSchema.parse(JSON.parse(read('deploy/hub.config.json')));
    expect(config.http.host).toBe('0.0.0.0');
    const database = DatabaseConfigSchema.parse(config.connectors.database);
    const [, service] = connectorServices.find(([, s]) => argv(s.command)?.[1] === 'database')!;
    for (const source of database.sources) {
      if ('urlEnv' in source.connection) expect(Object.keys(env(service))).toContain(source.connection.urlEnv);
    }
  });

  it('the load balancer sends traffic to the hub service port round-robin, without session affinity', () => {
    const cfg = read('deploy/lb/haproxy.cfg');
    const [hubName, hub] = hubServices[0]!;
    expect(cfg).toMatch(new RegExp(`\\s${hubName}:${env(hub).PORT}\\b`));
    expect(cfg).toMatch(/^[ \t]*balance roundrobin/m);
    expect(cfg).not.toMatch(/^[ \t]*stick/m);
    expect(cfg).toMatch(/http-check send meth GET uri \/readyz/);
  });

  it.each(hubServices)('hub service %s shares sessions through the redis service, and waits for it', (_name, service) => {
    const url = new URL(env(service).REDIS_URL!.replace(/\$\{REDIS_PASSWORD[^}]*\}/, 'secret'));
    expect(url.protocol).toBe('redis:');
    expect(url.hostname).toBe('redis');
    expect(env(service).REDIS_URL).toMatch(/\$\{REDIS_PASSWORD/); // from .env, never inline
    expect(service.depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
  });
});

describe('NATS users and permissions', () => {
  it('parses deploy/nats/nats.conf', () => {
    expect(users.map((u) => u.user)).toEqual(expect.arrayContaining(['hub']));
    for (const user of users) expect(user.password).toMatch(/^\$[A-Z_][A-Z0-9_]*$/); // from the environment, never inline
  });

  it('every connector service has its own NATS user, whose password nats receives from the same variable', () => {
    const natsEnv = env(compose.services.nats!);
    const seen = new Set<string>();
    expect(connectorServices.length).toBeGreaterThanOrEqual(2);
    for (const [name, service] of [...connectorServices, ...hubServices]) {
      const vars = env(service);
      const user = userNamed(vars.NATS_USER!);
      expect({ service: name, user: vars.NATS_USER, known: user !== undefined }).toEqual({ service: name, user: vars.NATS_USER, known: true });
      const variable = user!.password.slice(1);
      expect(vars.NATS_PASS).toMatch(new RegExp(`^\\$\\{${variable}[:}]`));
      expect(natsEnv[variable]).toMatch(new RegExp(`^\\$\\{${variable}[:}]`));
      if (argv(service.command)![0] === 'connector') {
        expect(seen.has(vars.NATS_USER!)).toBe(false);
        seen.add(vars.NATS_USER!);
        expect(vars.NATS_USER).not.toBe(env(hubServices[0]![1]).NATS_USER);
      }
    }
  });

  it('no two NATS users share a password variable', () => {
    const passwords = users.map((u) => u.password);
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  describe.each(connectorServices.map(([name, s]) => [name, argv(s.command)![1]!, env(s).NATS_USER!] as const))('%s (connector %s, user %s)', (_name, id, userName) => {
    const user = () => userNamed(userName)!;
    const others = [...new Set([...connectorServices.map(([, s]) => argv(s.command)![1]!), 'zzprobe'])].filter((other) => other !== id);

    it('may serve its own subjects and talk to the registry and the hubs', () => {
      const ownInbox = `${subjects.connectorInboxPrefix(id)}.abc123.7`;
      for (const subject of [subjects.invoke(id, 'some_tool'), subjects.resourceRead(id), subjects.resourceSubscribe(id), subjects.promptGet(id), subjects.complete(id), subjects.cancel(id), subjects.discover(), ownInbox]) {
        expect({ subscribe: subject, allowed: permits(user().subscribe, subject) }).toEqual({ subscribe: subject, allowed: true });
      }
      for (const subject of [...registryOf(id), subjects.hubEvents('hub-0a1b2c3d'), subjects.clientRequests('hub-0a1b2c3d', id), subjects.resourceUpdated(id)]) {
        expect({ publish: subject, allowed: permits(user().publish, subject) }).toEqual({ publish: subject, allowed: true });
      }
    });

    it('answers requests through allow_responses (one reply each), never through a publish right on inboxes', () => {
      expect(permits(user().publish, '_INBOX.abc123.7')).toBe(false);
      expect(user().allowResponses).toEqual({ max: '1', expires: '15m' }); // the small parser keeps scalars as text
    });

    it("may neither publish to nor listen on another connector's subjects", () => {
      for (const other of others) {
        for (const subject of subjectsOf(other)) {
          expect({ publish: subject, allowed: permits(user().publish, subject) }).toEqual({ publish: subject, allowed: false });
          expect({ subscribe: subject, allowed: permits(user().subscribe, subject) }).toEqual({ subscribe: subject, allowed: false });
        }
        // Nor ask a hub's client in another connector's name, nor read or forge its answers.
        expect(permits(user().publish, subjects.clientRequests('hub-0a1b2c3d', other))).toBe(false);
        const otherInbox = `${subjects.connectorInboxPrefix(other)}.abc123.7`;
        expect({ subscribe: otherInbox, allowed: permits(user().subscribe, otherInbox) }).toEqual({ subscribe: otherInbox, allowed: false });
        expect({ publish: otherInbox, allowed: permits(user().publish, otherInbox) }).toEqual({ publish: otherInbox, allowed: false });
      }
    });

    it("may not read replies or other hubs' events", () => {
      for (const subject of ['_INBOX.abc123.7', subjects.hubEvents('hub-0a1b2c3d'), ...registryOf(id), subjects.sessionCancellations()]) {
        expect({ subscribe: subject, allowed: permits(user().subscribe, subject) }).toEqual({ subscribe: subject, allowed: false });
      }
    });

    it('may not forge the hubs\' session cancellations, relayed answers or resumed rounds', () => {
      expect(permits(user().publish, subjects.sessionCancellations())).toBe(false);
      expect(permits(user().publish, subjects.clientResponses())).toBe(false);
      expect(permits(user().publish, subjects.roundResume('hub-0a1b2c3d'))).toBe(false);
    });
  });

  it('the hub user may call every connector and hear every replica', () => {
    const hub = userNamed(env(hubServices[0]![1]).NATS_USER!)!;
    for (const id of [...connectorServices.map(([, s]) => argv(s.command)![1]!), 'zzprobe']) {
      for (const subject of subjectsOf(id).filter((s) => s !== subjects.resourceUpdated(id) && !registryOf(id).includes(s))) expect(permits(hub.publish, subject)).toBe(true);
      for (const subject of [subjects.resourceUpdated(id), ...registryOf(id)]) expect(permits(hub.subscribe, subject)).toBe(true);
    }
    expect(permits(hub.publish, subjects.sessionCancellations())).toBe(true);
    expect(permits(hub.subscribe, subjects.sessionCancellations())).toBe(true);
    for (const subject of [subjects.hubEvents('hub-0a1b2c3d'), subjects.allClientRequests('hub-0a1b2c3d'), '_INBOX.abc123.7']) expect(permits(hub.subscribe, subject)).toBe(true);
    // The hub answers connectors' server-to-client requests in their own inboxes.
    for (const id of connectorServices.map(([, s]) => argv(s.command)![1]!)) expect(permits(hub.publish, `${subjects.connectorInboxPrefix(id)}.abc123.7`)).toBe(true);
    expect(permits(hub.publish, subjects.discover())).toBe(true);
  });

  it('the matcher follows NATS wildcard rules', () => {
    expect(subjectMatches('mcphub.v1.>', 'mcphub.v1.a.b')).toBe(true);
    expect(subjectMatches('mcphub.v1.>', 'mcphub.v1')).toBe(false);
    expect(subjectMatches('mcphub.v1.hub.*.events', 'mcphub.v1.hub.x.events')).toBe(true);
    expect(subjectMatches('mcphub.v1.hub.*.events', 'mcphub.v1.hub.x.y.events')).toBe(false);
    expect(subjectMatches('a.b', 'a.b.c')).toBe(false);
  });
});
