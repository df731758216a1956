import type { z } from 'zod';
import type { Logger } from 'pino';
import type { ConnectorDefinition } from './define-connector';

/** A connector built from its configuration, with the resources it opened. */
export interface BuiltConnector<D> {
  connector: ConnectorDefinition<D>;
  deps: D;
  /**
   * Values to mask in every error reply and log line (credentials the connector read from its
   * configuration: connection strings, tokens). The kit registers them with the process's
   * `Redactor`; patterns that look like credentials are masked anyway.
   */
  secrets?: readonly string[];
  /** Closes what `create` opened (pools, files). Called after the replica drained. */
  close(): Promise<void>;
  /**
   * Called once the replica serves, with what the connector may do to its running replica outside
   * any call: announce changes (a broker message, new mail, a poller, a webhook), so subscribed
   * clients get `notifications/resources/updated`, and, for a connector whose offer changes while
   * it runs (a bridged MCP server whose tools come and go), serve a new definition. Changes made
   * by a call go through the handler's `ctx.resourceUpdated` instead. `close` stops that work.
   */
  attach?(replica: ReplicaLink<D>): void;
}

/** What a connector may do to its running replica outside a call (see `BuiltConnector.attach`). */
export interface ReplicaLink<D> extends ResourceUpdatePublisher {
  /**
   * Serves a new definition: the kit applies the configuration's tool exposure to it and
   * re-announces the replica, so clients get `list_changed`.
   */
  update(connector: ConnectorDefinition<D>): void;
}

/** Tells every hub that a resource changed, so its subscribers get `notifications/resources/updated`. */
export interface ResourceUpdatePublisher {
  resourceUpdated(uri: string): void;
}


/**
 * What a connector package exports so that `mcp-hub connector <id>` and the embedded mode can run
 * it without knowing anything about it. The CLI merges, in order: the connector's embedded
 * defaults (embedded mode only), the `connectors.<id>` section of the config file, then
 * {@link fromEnv}; the result is parsed with {@link configSchema}, whose error names the bad key.
 */
export interface ConnectorModule<C, D> {
  readonly id: string;
  readonly configSchema: z.ZodType<C>;
  /** Configuration keys read from the environment (secrets belong here or in secret files, never in the file). */
  fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown>;
  /** Configuration for the embedded mode: demo data under `dataDir`, no server needed. */
  embeddedConfig(dataDir: string): Record<string, unknown>;
  create(config: C, logger: Logger): Promise<BuiltConnector<D>>;
}

/** Identity function that keeps the config and deps types linked. */
export function defineConnectorModule<C, D>(module: ConnectorModule<C, D>): ConnectorModule<C, D> {
  return module;
}
