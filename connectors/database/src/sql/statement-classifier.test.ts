import fc from 'fast-check';
import { ALLOWED_FUNCTIONS } from './function-allowlist';
import { classifyStatement, StatementRejectedError } from './statement-classifier';
import type { EngineKind } from '../config';

function reason(sql: string, engine: EngineKind, purpose: 'read' | 'write' = 'read'): string | undefined {
  try {
    classifyStatement(sql, engine, purpose);
    return undefined;
  } catch (error) {
    if (error instanceof StatementRejectedError) return error.message;
    throw error;
  }
}

describe('statement classifier', () => {
  it('accepts one SELECT and returns the comment-free text that will run', () => {
    const result = classifyStatement('-- note\nSELECT a, b FROM s.t /* why */ WHERE x = $1;', 'postgres', 'read');
    expect(result.text).toBe('SELECT a, b FROM s.t   WHERE x = $1');
    expect(result.statementType).toBe('select');
    expect(result.tables).toEqual([{ schema: 's', name: 't' }]);
  });

  it('excludes CTE names from the table list', () => {
    const result = classifyStatement('WITH recent AS (SELECT * FROM orders) SELECT * FROM recent', 'sqlite', 'read');
    expect(result.tables).toEqual([{ schema: null, name: 'orders' }]);
  });

  it('accepts placeholders where the parser would not (LIMIT ?)', () => {
    expect(reason('SELECT id FROM t WHERE a = ? LIMIT ?', 'mysql')).toBeUndefined();
    expect(reason('SELECT id FROM t LIMIT $1', 'postgres')).toBeUndefined();
  });

  it.each<[EngineKind, string]>([
    ['postgres', 'SELECT 1; DELETE FROM t'],
    ['mysql', 'SELECT 1; DELETE FROM t'],
    ['sqlite', 'SELECT 1;DELETE FROM t;'],
  ])('%s: refuses multiple statements', (engine, sql) => {
    expect(reason(sql, engine)).toMatch(/exactly one statement/);
  });

  it('refuses MySQL executable comments but treats them as comments elsewhere', () => {
    expect(reason('SELECT 1 /*! , sleep(10) */', 'mysql')).toMatch(/Executable comments/);
    expect(reason('SELECT 1 /*M!100000 , 2 */', 'mysql')).toMatch(/Executable comments/);
    expect(reason('SELECT 1 /*! , sleep(10) */', 'sqlite')).toBeUndefined();
  });

  it('lexes comments like each server: nested in PostgreSQL, `#` and `-- ` in MySQL', () => {
    expect(reason('SELECT 1 /* a /* b */ ; DELETE FROM t */', 'postgres')).toBeUndefined();
    expect(reason('SELECT 1 /* a /* b */ ; DELETE FROM t */', 'mysql')).toBeDefined();
    expect(reason('SELECT 1 # x\n; DELETE FROM t', 'mysql')).toMatch(/exactly one statement/);
    // `--x` is not a comment in MySQL (it is minus minus x): it stays in the text that runs.
    expect(classifyStatement('SELECT 1 --x', 'mysql', 'read').text).toBe('SELECT 1 --x');
    expect(classifyStatement('SELECT 1 --x', 'postgres', 'read').text).toBe('SELECT 1');
  });

  it('lexes strings like each server: backslashes escape in MySQL, not in standard PostgreSQL strings', () => {
    expect(reason("SELECT 'a\\'; DELETE FROM t; -- '", 'mysql')).toBeUndefined();
    expect(reason("SELECT 'a\\'; DELETE FROM t; -- '", 'postgres')).toMatch(/exactly one statement/);
    expect(reason("SELECT E'a\\'; DELETE FROM t; -- '", 'postgres')).toBeUndefined();
    expect(reason('SELECT $$ ; DELETE FROM t $$', 'postgres')).toBeUndefined();
  });

  it.each([
    ['WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', /DELETE/],
    ['SELECT * INTO newt FROM t', /INTO/],
    ['SELECT * FROM t FOR UPDATE', /UPDATE/],
    ['SELECT pg_sleep(1)', /pg_sleep/],
    ['SELECT "pg_read_file"(\'/etc/passwd\')', /pg_read_file/],
    ['SELECT lo_export(1, \'/tmp/x\')', /lo_export/],
    ['SELECT * FROM dblink(\'x\', \'y\') AS t(a int)', /dblink|parsed/],
    ["SELECT query_to_xml('delete from t', true, true, '')", /query_to_xml/],
    ['COPY t TO PROGRAM \'id\'', /SELECT/],
    ['SET ROLE postgres', /SELECT/],
    ['COMMIT', /SELECT/],
  ])('postgres read refuses %s', (sql, message) => {
    expect(reason(sql, 'postgres')).toMatch(message);
  });

  it.each([
    "SELECT * FROM t INTO OUTFILE '/tmp/x'",
    "SELECT LOAD_FILE('/etc/passwd')",
    'SHOW PROCESSLIST',
    'HANDLER t OPEN',
    'DO SLEEP(1)',
    'SELECT BENCHMARK(1000000, MD5(1))',
    'SELECT * FROM t LOCK IN SHARE MODE',
  ])('mysql read refuses %s', (sql) => {
    expect(reason(sql, 'mysql')).toBeDefined();
  });

  it('classifies writes and reports their type', () => {
    expect(classifyStatement('INSERT INTO t (a) VALUES (?)', 'sqlite', 'write').statementType).toBe('insert');
    expect(classifyStatement('UPDATE t SET a = 1 WHERE id = $1', 'postgres', 'write').statementType).toBe('update');
    expect(classifyStatement('CREATE TABLE x (a int)', 'mysql', 'write').statementType).toBe('create');
  });

  it('refuses file, attach and session statements even for writes', () => {
    expect(reason("ATTACH 'x.db' AS x", 'sqlite', 'write')).toBeDefined();
    expect(reason("SELECT * FROM t INTO OUTFILE '/tmp/x'", 'mysql', 'write')).toBeDefined();
    expect(reason("LOAD DATA INFILE '/etc/passwd' INTO TABLE t", 'mysql', 'write')).toBeDefined();
    expect(reason('SET GLOBAL x = 1', 'mysql', 'write')).toBeDefined();
    expect(reason('COMMIT', 'postgres', 'write')).toBeDefined();
  });

  it('reports the columns used other than passed to the result under their own name', () => {
    const result = classifyStatement('SELECT email, upper(name) AS n FROM c WHERE email LIKE ?', 'sqlite', 'read');
    expect(result.computedColumns.sort()).toEqual(['email', 'name']);
    expect(classifyStatement('SELECT id, email FROM c', 'sqlite', 'read').computedColumns).toEqual([]);
  });
});

describe('function allowlist', () => {
  it.each([
    "SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', datname) FROM pg_database')",
    "SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', rolpassword) FROM pg_authid')",
    "SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', nspname) FROM pg_namespace')",
    "SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery FROM pg_authid')",
    "SELECT query_to_xml('SELECT * FROM pg_authid', true, true, '')",
    "SELECT current_setting('data_directory')",
    'SELECT version()',
    'SELECT inet_server_addr()',
    "SELECT has_table_privilege('pg_authid', 'select')",
    "SELECT to_regclass('secret.table')",
    "SELECT xmlelement(name x, (SELECT 1))",
  ])('postgres refuses %s', (sql) => {
    expect(reason(sql, 'postgres')).toBeDefined();
  });

  it.each<[EngineKind, string]>([
    ['postgres', "SELECT lower(name), count(*), string_agg(name, ',' ORDER BY id), row_number() OVER (PARTITION BY a ORDER BY b) FROM t GROUP BY a, b, name, id"],
    ['postgres', "SELECT pg_catalog.lower(name), coalesce(a, 0)::numeric(10,2), date_trunc('day', now()), extract(year from now()) FROM t"],
    ['postgres', "SELECT g FROM generate_series(1, 3) AS g(x) WHERE EXISTS (SELECT 1) AND a IN (SELECT b FROM u)"],
    ['postgres', 'SELECT a FROM t WHERE a = ANY (ARRAY(SELECT b FROM u)) AND b IN (VALUES (1), (2))'],
    ['postgres', "SELECT to_tsvector('simple', name), jsonb_build_object('a', 1)->>'a', 'english'::regconfig FROM t"],
    ['mysql', "SELECT IFNULL(a, 0), DATE_FORMAT(now(), '%Y'), GROUP_CONCAT(name ORDER BY id SEPARATOR ','), CAST(a AS DECIMAL(10,2)) FROM t GROUP BY a"],
    ['mysql', 'SELECT DATE_ADD(created, INTERVAL 1 DAY), CONVERT(name USING utf8mb4), ROW_NUMBER() OVER (ORDER BY id) FROM t'],
    ['sqlite', "SELECT printf('%d', id), strftime('%Y', created_at), iif(a, 1, 2), group_concat(name, ','), json_extract(j, '$.a') FROM t GROUP BY a"],
    ['sqlite', 'WITH x(a) AS (SELECT 1) SELECT value FROM json_each(\'[1]\') AS j, x'],
  ])('%s accepts ordinary functions and call-like keywords: %s', (engine, sql) => {
    expect(reason(sql, engine)).toBeUndefined();
  });

  const ENGINES: EngineKind[] = ['postgres', 'mysql', 'sqlite'];
  /** Every place a call can hide: select list, FROM, CTE, subqueries, conditions, ORDER BY, nested calls, quoting, qualification. */
  const placements: Array<(f: string) => string> = [
    (f) => `SELECT ${f}(1)`,
    (f) => `SELECT * FROM ${f}(1) AS x`,
    (f) => `SELECT a FROM t, ${f}(1) AS x`,
    (f) => `WITH x AS (SELECT ${f}(1) AS a) SELECT a FROM x`,
    (f) => `SELECT a FROM (SELECT ${f}(1) AS a) AS s`,
    (f) => `SELECT a FROM t WHERE a IN (SELECT ${f}(1))`,
    (f) => `SELECT a FROM t WHERE EXISTS (SELECT 1 FROM t WHERE ${f}(a) = 1)`,
    (f) => `SELECT a FROM t ORDER BY ${f}(a)`,
    (f) => `SELECT a FROM t GROUP BY a HAVING max(${f}(a)) > 1`,
    (f) => `SELECT lower(coalesce(${f}(a), 'x')) FROM t`,
    (f) => `SELECT CASE WHEN a = 1 THEN ${f}(a) END FROM t`,
    (f) => `SELECT count(*) OVER (PARTITION BY ${f}(a)) FROM t`,
    (f) => `SELECT "${f}"(1)`,
    (f) => `SELECT s.${f}(1)`,
  ];

  it('refuses every function outside the allowlist, wherever it is called (generated)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,24}$/).filter((n) => !ENGINES.some((e) => ALLOWED_FUNCTIONS[e].has(n)));
    fc.assert(
      fc.property(name, fc.constantFrom(...ENGINES), fc.nat(placements.length - 1), (f, engine, at) => {
        let sql = placements[at]!(f);
        if (engine === 'mysql') sql = sql.replace(/"/g, '`');
        expect(reason(sql, engine)).toBeDefined();
      }),
      { numRuns: 3000, seed: 9 },
    );
  });

  it('refuses schema-qualified allowlisted names except pg_catalog on PostgreSQL', () => {
    expect(reason('SELECT public.lower(a) FROM t', 'postgres')).toMatch(/public\.lower/);
    expect(reason('SELECT shop.lower(a) FROM t', 'mysql')).toMatch(/shop\.lower/);
    expect(reason('SELECT pg_catalog.lower(a) FROM t', 'postgres')).toBeUndefined();
  });

  it('refuses server variables, user variables and catalog-lookup casts', () => {
    expect(reason('SELECT @@datadir', 'mysql')).toMatch(/Variables/);
    expect(reason('SELECT @x', 'mysql')).toMatch(/Variables/);
    expect(reason("SELECT 'pg_authid'::regclass", 'postgres')).toMatch(/regclass/);
    expect(reason("SELECT CAST('x' AS regrole)", 'postgres')).toMatch(/regrole/);
    expect(reason('SELECT current_schema', 'postgres')).toMatch(/current_schema/);
    expect(reason('SELECT id FROM t WHERE current_catalog IS NOT NULL', 'postgres')).toMatch(/current_catalog/);
    expect(reason('SELECT "user" FROM t', 'postgres')).toBeUndefined();
  });

  it('refuses SQLite table-valued pragmas by name as functions', () => {
    expect(reason("SELECT * FROM pragma_table_info('customers')", 'sqlite')).toMatch(/pragma_table_info/);
  });
});

describe('column flow (redaction)', () => {
  const flow = (sql: string, engine: EngineKind = 'postgres') => {
    const { computedColumns, untraceable } = classifyStatement(sql, engine, 'read');
    return { computed: computedColumns.sort(), untraceable: untraceable.length > 0 };
  };

  it('traces plain references through CTEs and subqueries that keep names', () => {
    expect(flow('SELECT id, email, c.email AS email FROM customers c')).toEqual({ computed: [], untraceable: false });
    expect(flow('WITH x AS (SELECT id, email FROM customers) SELECT email FROM (SELECT * FROM x) s')).toEqual({ computed: [], untraceable: false });
    expect(flow('SELECT * FROM customers')).toEqual({ computed: [], untraceable: false });
    expect(flow('SELECT count(*) FROM customers')).toEqual({ computed: [], untraceable: false });
  });

  it.each([
    ['SELECT email AS e FROM customers', 'email'],
    ["SELECT email || '' FROM customers", 'email'],
    ['WITH x(e) AS (SELECT email FROM customers) SELECT e FROM x', 'email'],
    ['SELECT e FROM (SELECT email AS e FROM customers) s', 'email'],
    ['SELECT (SELECT email FROM customers LIMIT 1) AS x', 'email'],
    ["SELECT id FROM customers WHERE email LIKE 'a%'", 'email'],
    ['SELECT id FROM customers ORDER BY email', 'email'],
    ['SELECT id, email FROM customers ORDER BY 2', 'email'],
    ['SELECT id FROM customers GROUP BY 1, email', 'email'],
    ['SELECT DISTINCT email FROM customers', 'email'],
    ['SELECT DISTINCT ON (email) id FROM customers', 'email'],
    ['SELECT a.id FROM customers a JOIN customers b USING (email)', 'email'],
    ['SELECT a.id FROM customers a JOIN customers b ON a.email = b.email', 'email'],
    ['SELECT name FROM customers UNION ALL SELECT email FROM customers', 'email'],
    ['SELECT id, row_number() OVER (ORDER BY email) FROM customers', 'email'],
  ])('reports %s as computing on %s', (sql, column) => {
    expect(flow(sql).computed).toContain(column);
  });

  it.each([
    'WITH x(a, b, c, d, e) AS (SELECT * FROM customers) SELECT * FROM x',
    "SELECT 1 AS a, 'b' AS b, 'c' AS c, 'd' AS d, now() AS e UNION ALL SELECT * FROM customers",
    'SELECT * FROM (SELECT * FROM customers) AS s(a, b, c, d, e)',
    'SELECT e FROM customers AS c(i, n, e)',
    'SELECT row_to_json(customers) FROM customers',
    'SELECT row_to_json(c) FROM customers c',
    'SELECT c FROM customers c',
    'SELECT to_jsonb(c.*) FROM customers c',
    'SELECT json_agg(c) FROM customers c',
    'SELECT c::text FROM customers c',
    'SELECT DISTINCT * FROM customers',
    'SELECT id FROM customers NATURAL JOIN orders',
    'SELECT 1 WHERE 1 IN (SELECT * FROM customers)',
  ])('reports %s as untraceable', (sql) => {
    expect(flow(sql).untraceable).toBe(true);
  });
});

describe('statements too big to check on the event loop', () => {
  it.each([
    ['many words', 'SELECT ' + Array.from({ length: 20_000 }, () => 'a').join(',') + ' FROM t', /more than 4000 words/],
    ['many ORs', 'SELECT a FROM t WHERE ' + Array.from({ length: 13_000 }, () => 'a=1').join(' OR '), /more than 4000 words/],
    ['deep nesting', 'SELECT ' + '('.repeat(20_000) + '1' + ')'.repeat(20_000), /nested too deeply/],
  ])('refuses %s with a clear reason, not a crash', (_name, sql, reason) => {
    for (const engine of ['postgres', 'mysql', 'sqlite'] as const) expect(() => classifyStatement(sql, engine, 'read')).toThrow(reason);
  });
});

