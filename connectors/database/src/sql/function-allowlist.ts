import type { EngineKind } from '../config';

/**
 * Functions that only compute on their arguments: scalar, aggregate, window, date, string, math
 * and JSON functions. None reads another relation, runs SQL from a string, touches files or
 * other servers, changes session state or reveals server state (version, settings, paths,
 * users, other sessions). Anything else, including every user-defined function, is refused:
 * a denylist kept losing to the next function that runs a SQL string (`ts_stat`, `ts_rewrite`,
 * `query_to_xml`, `dblink`, …). Names are lower case; keywords the parser reports as functions
 * (`exists`, `row`, TABLESAMPLE's `system`) are listed too.
 */
/** Keywords node-sql-parser reports as function calls (`EXISTS (…)`, `ANY (…)`, `ROW (…)`); their arguments are checked like any others. */
export const CALL_SYNTAX: readonly string[] = ['exists', 'row', 'any', 'all', 'some', 'values', 'array'];

const COMMON = [
  // aggregates
  'count', 'sum', 'avg', 'min', 'max',
  // windows
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value',
  // conditionals
  'coalesce', 'nullif',
  // strings
  'lower', 'upper', 'length', 'octet_length', 'replace', 'trim', 'ltrim', 'rtrim', 'substr', 'substring', 'concat', 'concat_ws',
  'format',
  // math
  'abs', 'ceil', 'ceiling', 'floor', 'round', 'sign', 'sqrt', 'exp', 'ln', 'log', 'log10', 'mod', 'pi', 'power', 'pow',
  'degrees', 'radians', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2',
  ...CALL_SYNTAX,
];

/** PostgreSQL and MySQL/MariaDB both have these; SQLite does not. */
const SERVER_STRINGS = ['char_length', 'character_length', 'reverse', 'left', 'right', 'lpad', 'rpad', 'repeat', 'ascii', 'position'];

const POSTGRES = [
  ...COMMON,
  ...SERVER_STRINGS,
  'array_agg', 'string_agg', 'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg', 'bool_and', 'bool_or', 'every',
  'bit_and', 'bit_or', 'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp', 'corr', 'covar_pop',
  'covar_samp', 'regr_slope', 'regr_intercept', 'regr_count', 'regr_r2', 'regr_avgx', 'regr_avgy', 'percentile_cont',
  'percentile_disc', 'mode',
  'greatest', 'least', 'num_nulls', 'num_nonnulls',
  'bit_length', 'initcap', 'btrim', 'strpos', 'translate', 'split_part', 'starts_with', 'chr', 'to_hex', 'overlay',
  'quote_ident', 'quote_literal', 'quote_nullable', 'md5', 'sha224', 'sha256', 'sha384', 'sha512', 'encode', 'decode',
  'convert_from', 'convert_to', 'string_to_array', 'string_to_table', 'array_to_string', 'regexp_replace', 'regexp_match',
  'regexp_matches', 'regexp_split_to_array', 'regexp_split_to_table', 'regexp_count', 'regexp_instr', 'regexp_like',
  'regexp_substr', 'normalize',
  'cbrt', 'div', 'trunc', 'width_bucket', 'random', 'gcd', 'lcm', 'factorial', 'scale', 'sinh', 'cosh', 'tanh', 'cot',
  'now', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'clock_timestamp',
  'statement_timestamp', 'transaction_timestamp', 'date_trunc', 'date_part', 'date_bin', 'age', 'make_date', 'make_time',
  'make_timestamp', 'make_timestamptz', 'make_interval', 'to_timestamp', 'to_date', 'to_char', 'to_number', 'isfinite',
  'justify_days', 'justify_hours', 'justify_interval', 'timezone', 'extract',
  'array_length', 'array_lower', 'array_upper', 'array_dims', 'array_ndims', 'cardinality', 'array_position', 'array_positions',
  'array_append', 'array_prepend', 'array_cat', 'array_remove', 'array_replace', 'array_fill', 'unnest', 'generate_series',
  'generate_subscripts',
  'to_json', 'to_jsonb', 'row_to_json', 'array_to_json', 'json_build_object', 'jsonb_build_object', 'json_build_array',
  'jsonb_build_array', 'json_object', 'jsonb_object', 'json_array_length', 'jsonb_array_length', 'json_extract_path',
  'jsonb_extract_path', 'json_extract_path_text', 'jsonb_extract_path_text', 'json_typeof', 'jsonb_typeof', 'jsonb_pretty',
  'jsonb_set', 'jsonb_insert', 'json_strip_nulls', 'jsonb_strip_nulls', 'json_each', 'jsonb_each', 'json_each_text',
  'jsonb_each_text', 'json_array_elements', 'jsonb_array_elements', 'json_array_elements_text', 'jsonb_array_elements_text',
  'json_object_keys', 'jsonb_object_keys', 'jsonb_path_query', 'jsonb_path_query_array', 'jsonb_path_query_first',
  'jsonb_path_exists', 'jsonb_path_match',
  'to_tsvector', 'to_tsquery', 'plainto_tsquery', 'phraseto_tsquery', 'websearch_to_tsquery', 'ts_rank', 'ts_rank_cd',
  'ts_headline', 'setweight', 'strip', 'numnode', 'tsvector_to_array', 'array_to_tsvector',
  'gen_random_uuid', 'pg_typeof', 'system', 'bernoulli',
];

const MYSQL = [
  ...COMMON,
  ...SERVER_STRINGS,
  'group_concat', 'bit_and', 'bit_or', 'bit_xor', 'std', 'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop',
  'var_samp', 'json_arrayagg', 'json_objectagg', 'median', 'percentile_cont', 'percentile_disc',
  'if', 'ifnull', 'isnull', 'nvl', 'nvl2', 'greatest', 'least', 'interval',
  'bin', 'bit_length', 'char', 'chr', 'elt', 'field', 'find_in_set', 'from_base64', 'to_base64', 'hex', 'unhex', 'instr',
  'lcase', 'ucase', 'locate', 'make_set', 'mid', 'oct', 'ord', 'quote', 'soundex', 'space', 'strcmp', 'substring_index',
  'regexp_replace', 'regexp_instr', 'regexp_substr', 'regexp_like', 'natural_sort_key', 'sformat', 'convert', 'md5',
  'sha', 'sha1', 'sha2', 'crc32', 'inet_aton', 'inet_ntoa', 'inet6_aton', 'inet6_ntoa', 'is_ipv4', 'is_ipv6',
  'conv', 'cot', 'rand', 'truncate', 'div', 'log2',
  'adddate', 'addtime', 'curdate', 'current_date', 'current_time', 'current_timestamp', 'curtime', 'date', 'date_add',
  'date_format', 'date_sub', 'datediff', 'day', 'dayname', 'dayofmonth', 'dayofweek', 'dayofyear', 'extract', 'from_days',
  'from_unixtime', 'hour', 'last_day', 'localtime', 'localtimestamp', 'makedate', 'maketime', 'microsecond', 'minute',
  'month', 'monthname', 'now', 'period_add', 'period_diff', 'quarter', 'sec_to_time', 'second', 'str_to_date', 'subdate',
  'subtime', 'sysdate', 'time', 'time_format', 'time_to_sec', 'timediff', 'timestamp', 'timestampadd', 'timestampdiff',
  'to_days', 'to_seconds', 'unix_timestamp', 'utc_date', 'utc_time', 'utc_timestamp', 'week', 'weekday', 'weekofyear',
  'year', 'yearweek',
  'json_array', 'json_object', 'json_quote', 'json_contains', 'json_contains_path', 'json_extract', 'json_unquote',
  'json_keys', 'json_search', 'json_value', 'json_query', 'json_length', 'json_depth', 'json_type', 'json_valid', 'json_set',
  'json_insert', 'json_replace', 'json_remove', 'json_merge', 'json_merge_patch', 'json_merge_preserve', 'json_array_append',
  'json_array_insert', 'json_compact', 'json_detailed', 'json_pretty', 'json_exists', 'json_overlaps',
];

const SQLITE = [
  ...COMMON,
  'group_concat', 'string_agg', 'total', 'char', 'glob', 'hex', 'unhex', 'ifnull', 'iif', 'instr', 'like', 'likelihood',
  'likely', 'unlikely', 'printf', 'quote', 'random', 'randomblob', 'soundex', 'typeof', 'unicode', 'zeroblob',
  'date', 'time', 'datetime', 'julianday', 'unixepoch', 'strftime', 'timediff',
  'acosh', 'asinh', 'atanh', 'sinh', 'cosh', 'tanh', 'trunc', 'log2',
  'json', 'jsonb', 'json_array', 'jsonb_array', 'json_array_length', 'json_error_position', 'json_extract', 'jsonb_extract',
  'json_insert', 'jsonb_insert', 'json_object', 'jsonb_object', 'json_patch', 'jsonb_patch', 'json_pretty', 'json_remove',
  'jsonb_remove', 'json_replace', 'jsonb_replace', 'json_set', 'jsonb_set', 'json_type', 'json_valid', 'json_quote',
  'json_group_array', 'jsonb_group_array', 'json_group_object', 'jsonb_group_object', 'json_each', 'json_tree',
];

/** The allowlist per engine; see {@link isAllowedFunction}. */
export const ALLOWED_FUNCTIONS: Record<EngineKind, ReadonlySet<string>> = {
  postgres: new Set(POSTGRES),
  mysql: new Set(MYSQL),
  sqlite: new Set(SQLITE),
};

/**
 * True when `name` (any case) may be called on `engine`. `qualifier` is the schema a call names
 * (`pg_catalog.lower`): only PostgreSQL's own `pg_catalog` is accepted, because the same name in
 * another schema is a user-defined function.
 */
export function isAllowedFunction(engine: EngineKind, name: string, qualifier?: string | null): boolean {
  if (qualifier && !(engine === 'postgres' && qualifier.toLowerCase() === 'pg_catalog')) return false;
  return ALLOWED_FUNCTIONS[engine].has(name.toLowerCase());
}
