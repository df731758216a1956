export { NatsServerProcess, freePort } from './nats-server-process';
