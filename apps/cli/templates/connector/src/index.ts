export { connectorModule } from './connector-module';
export { connector } from './connector';
export { ConfigSchema } from './config';
export type { Config } from './config';
export type { Deps } from './note-store';
