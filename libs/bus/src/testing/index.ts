export { ServerProcess, freePort, waitForPort } from './server-process';
export { NatsServerProcess } from './nats-server-process';
export { RedisServerProcess } from './redis-server-process';
