import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InProcessBus } from '@mcp-hub/bus';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createJobConnector, type JobDeps } from '@mcp-hub/connector-kit/testing';
import { EmbeddedJobQueues } from '../src/jobs/embedded-job-queues';
import { SqliteJobStore } from '../src/jobs/sqlite-job-store';
import { describeJobQueuesBehaviour, type JobRunnerHarness } from './job-queues-behaviour';
import { silent } from './hub-fixture';

const connector = createJobConnector('jobby');

describeJobQueuesBehaviour('embedded (SQLite)', async (settings) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'embedded-jobs-'));
  const bus = new InProcessBus();
  let services: ConnectorService<JobDeps>[] = [];
  const openQueues = async () => {
    const queues = new EmbeddedJobQueues({
      store: new SqliteJobStore({ file: path.join(dir, 'jobs.sqlite') }),
      bus,
      logger: silent,
      concurrencyOf: (id) => (id === 'jobby' ? settings.concurrency : 1),
      attempts: 3,
      backoffMs: 50,
      keepMs: settings.keepMs,
      unavailableRetryMs: 100,
    });
    await queues.start();
    return queues;
  };
  const stopServices = async () => {
    for (const service of services) await service.stop();
    services = [];
  };
  const harness: JobRunnerHarness = {
    queues: await openQueues(),
    addWorker: async (deps) => {
      services.push(await runConnector(connector, { bus, deps, heartbeatMs: 2000, drainTimeoutMs: 100, logger: silent }));
    },
    restart: async () => {
      await harness.queues.close();
      await stopServices();
      harness.queues = await openQueues();
    },
    close: async () => {
      await harness.queues.close();
      await stopServices();
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
});
