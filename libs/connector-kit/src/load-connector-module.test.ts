import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConnectorModuleError, loadConnectorModule } from './load-connector-module';

const zodDir = path.dirname(require.resolve('zod/package.json'));

describe('loadConnectorModule', () => {
  let root: string;
  /** A package folder under `root` whose entry point is `code` (CommonJS). */
  const pkg = (dir: string, code: string) => {
    mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify({ name: dir, main: 'index.js' }));
    writeFileSync(path.join(root, dir, 'index.js'), code);
    return path.join(root, dir);
  };
  const good = (id: string) =>
    `const { z } = require('zod');\nexports.connectorModule = { id: '${id}', configSchema: z.object({}), fromEnv: () => ({}), embeddedConfig: () => ({}), create: async () => { throw new Error('unused'); } };\n`;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'load-module-'));
    mkdirSync(path.join(root, 'node_modules/@acme'), { recursive: true });
    symlinkSync(zodDir, path.join(root, 'node_modules/zod'));
    symlinkSync(pkg('tickets', good('tickets')), path.join(root, 'node_modules/@acme/mcp-connector-tickets'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loads a package by path and by package name', () => {
    expect(loadConnectorModule(path.join(root, 'tickets'), { id: 'tickets' }).id).toBe('tickets');
    expect(loadConnectorModule('@acme/mcp-connector-tickets', { id: 'tickets', paths: [root] }).id).toBe('tickets');
  });

  it('makes the module for the configured id from a connectorModuleFor export (one package, many connectors)', () => {
    const family = pkg('family', `const { z } = require('zod');\nexports.connectorModuleFor = (id) => ({ id, configSchema: z.object({}), fromEnv: () => ({}), embeddedConfig: () => ({}), create: async () => { throw new Error('unused'); } });\n`);
    expect(loadConnectorModule(family, { id: 'github' }).id).toBe('github');
    expect(loadConnectorModule(family, { id: 'files' }).id).toBe('files');
    expect(() => loadConnectorModule(family, { id: 'Bad-Id' })).toThrow(/id "Bad-Id": connector id must match/);
  });

  it.each([
    ['a package that is not there', () => loadConnectorModule('@acme/nothing', { id: 'acme', paths: [root] }), /"@acme\/nothing" \(connectors\.acme\.module\) not found/],
    ['a package that throws on load', () => loadConnectorModule(pkg('throws', "throw new Error('top-level boom');"), { id: 'acme' }), /\(connectors\.acme\.module\) failed to load from .*: top-level boom/],
    ['no connectorModule export', () => loadConnectorModule(pkg('noexport', 'exports.other = 1; exports.more = 2;'), { id: 'acme' }), /has no export named connectorModule \(it exports other, more\)/],
    [
      'an export of the wrong shape',
      () => loadConnectorModule(pkg('shape', "exports.connectorModule = { id: 'Acme', create: 1 };"), { id: 'acme' }),
      /its connectorModule is not a ConnectorModule: id "Acme": connector id must match .*; configSchema is not a zod schema; fromEnv is not a function; embeddedConfig is not a function; create is not a function/,
    ],
    ['another connector id', () => loadConnectorModule(path.join(root, 'tickets'), { id: 'acme' }), /is connector "tickets", not "acme": name its section connectors\.tickets/],
  ])('names the module and what is wrong: %s', (_, load, message) => {
    expect(load).toThrow(ConnectorModuleError);
    expect(load).toThrow(message);
  });

  it('keeps secrets out of a load failure', () => {
    const load = () => loadConnectorModule(pkg('secret', "throw new Error('cannot reach postgres://app:hunter22@db/x');"), { id: 'acme' });
    expect(load).toThrow(/failed to load/);
    expect(load).not.toThrow(/hunter22/);
  });
});
