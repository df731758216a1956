import { Redis } from 'ioredis';
import { JobWorker } from '@mcp-hub/connector-kit';
import { createJobConnector, type JobDeps } from '@mcp-hub/connector-kit/testing';
import { BullJobQueues } from '../src/jobs/bull-job-queues';
import { describeJobQueuesBehaviour, type JobRunnerHarness } from './job-queues-behaviour';
import { silent } from './hub-fixture';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connector = createJobConnector('jobby');

describeJobQueuesBehaviour('BullMQ', async (settings) => {
  const namespace = `jobrunner${process.pid}x${Math.floor(Math.random() * 1e9)}`;
  let workers: JobWorker<JobDeps>[] = [];
  const openQueues = () => new BullJobQueues({ redisUrl: REDIS_URL, namespace, logger: silent, attempts: 3, backoffMs: 50, keepMs: settings.keepMs });
  const stopWorkers = async () => {
    for (const worker of workers) await worker.close(true);
    workers = [];
  };
  const harness: JobRunnerHarness = {
    queues: openQueues(),
    addWorker: async (deps) => {
      // Short locks, so that a crashed worker's job is recovered within seconds (not so short that a busy event loop loses one).
      const worker = new JobWorker({ connector, deps, redisUrl: REDIS_URL, namespace, logger: silent, concurrency: settings.concurrency, lockDurationMs: 3000, stalledIntervalMs: 500 });
      await worker.start();
      workers.push(worker);
    },
    restart: async () => {
      await stopWorkers();
      await harness.queues.close();
      harness.queues = openQueues();
    },
    close: async () => {
      await stopWorkers();
      await harness.queues.close();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${namespace}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
  return harness;
});
