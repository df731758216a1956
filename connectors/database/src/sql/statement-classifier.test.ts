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
    ['SELECT * FROM dblink(\'x\', \'y\') AS t(a int)', /dblink/],
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

  it('collects column references and plain projections for the redaction policy', () => {
    const result = classifyStatement('SELECT email, upper(name) AS n FROM c WHERE email LIKE ?', 'sqlite', 'read');
    expect(result.columns.filter((c) => c === 'email')).toHaveLength(2);
    expect(result.projectedColumns).toEqual(['email']);
  });
});
