import pg from 'pg';

/** A result column as PostgreSQL describes it. */
export interface DescribedColumn {
  name: string;
  dataTypeID: number;
}

interface ProtocolConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parse(message: { text: string; types: unknown[] }): void;
  describe(message: { type: 'S'; name: string }): void;
  sync(): void;
}

/**
 * The result columns of a statement, learned from the extended protocol's Parse + Describe of
 * the unnamed statement: the server parses and analyses it but neither plans nor runs it, so
 * nothing is computed (not even constants the planner would fold). Resolves to no columns for a
 * statement that returns no rows.
 */
export class PostgresDescribe extends pg.Query {
  constructor(text: string, callback: (error: Error | undefined, result: unknown) => void) {
    super({ text, queryMode: 'extended' } as pg.QueryConfig, callback as never);
    this.submit = (connection) => {
      const protocol = connection as unknown as ProtocolConnection;
      protocol.stream.cork?.();
      try {
        protocol.parse({ text, types: [] });
        protocol.describe({ type: 'S', name: '' });
        protocol.sync();
      } finally {
        protocol.stream.uncork?.();
      }
    };
  }
}
