export { NatsServerProcess, freePort } from './nats-server-process';
export { RedisServerProcess } from './redis-server-process';
