// Lint for the whole monorepo. The module-boundary rule is the architecture in executable form:
// connectors never import the hub or each other, the hub never imports a connector or a vendor
// SDK, the contract depends on nothing but zod. CI runs this before the tests.
import nx from '@nx/eslint-plugin';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

const VENDOR_SDKS = ['pg', 'mysql2', 'mysql2/*', 'better-sqlite3', 'node-sql-parser', 'kysely', '@slack/*', '@octokit/*', 'nodemailer', 'imapflow', 'mqtt'];

/** The dependency rules between projects; `hubBans` are the external imports the hub may not use. */
function moduleBoundaries(hubBans) {
  return [
    'error',
    {
      allow: [],
      enforceBuildableLibDependency: false,
      depConstraints: [
        { sourceTag: 'type:contract', onlyDependOnLibsWithTags: [], allowedExternalImports: ['zod', 'node:*'] },
        { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:contract', 'type:runtime'], bannedExternalImports: VENDOR_SDKS },
        { sourceTag: 'type:connector', onlyDependOnLibsWithTags: ['type:contract', 'type:runtime'] },
        { sourceTag: 'scope:hub', onlyDependOnLibsWithTags: ['type:contract', 'type:runtime'], bannedExternalImports: hubBans },
        { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['type:contract', 'type:runtime', 'type:app', 'type:connector'], bannedExternalImports: VENDOR_SDKS },
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', 'coverage/**', '.mcp-hub/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Object literals with getters that close over their builder (query cursors) need `const self = this`.
      '@typescript-eslint/no-this-alias': 'off',
      '@nx/enforce-module-boundaries': moduleBoundaries(VENDOR_SDKS),
    },
  },
  {
    // The hub keeps its own state (tool pins; approvals and audit to come) in SQLite or PostgreSQL:
    // only its store files, one per database, may import the driver, as only a connector's
    // <vendor>-client.ts imports its SDK.
    files: ['apps/hub/src/**/sqlite-*-store.ts', 'apps/hub/src/**/postgres-*-store.ts'],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(VENDOR_SDKS.filter((name) => name !== 'pg' && name !== 'better-sqlite3')) },
  },
  {
    // Regexes run on untrusted text (tickets, database cells, request bodies): one that backtracks
    // super-linearly lets a single string stall the hub's event loop (issue 9, H3).
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      'regexp/no-misleading-capturing-group': 'error',
    },
  },
  {
    files: ['**/*.js', 'bin/*'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    // Tests poke at loosely typed structured results.
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
