export { helpdeskModule } from './helpdesk-module';
export { HelpdeskConfigSchema } from './config';
export type { HelpdeskConfig } from './config';
export { helpdeskConnector } from './connector';
export type { HelpdeskDeps } from './helpdesk-deps';
export type { TicketStore } from './ticket-store';
export { SqliteTicketStore } from './sqlite-ticket-store';
export { PostgresTicketStore } from './postgres-ticket-store';
export { demoTickets } from './demo-data';
