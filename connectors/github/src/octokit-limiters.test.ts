import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConcurrencyGroup, RetryingLimiter, readLimiters, retryServerErrors, type FailedJobInfo } from './octokit-limiters';

describe('RetryingLimiter', () => {
  it('runs the job again after the wait the failed listener returns, with the retry count', async () => {
    const limiter = new RetryingLimiter();
    const seen: FailedJobInfo[] = [];
    limiter.on('failed', (_error, info) => {
      seen.push(info);
      return info.retryCount === 0 ? 5 : undefined;
    });
    let runs = 0;
    const job = async (a: unknown, b: unknown) => {
      runs++;
      if (runs === 1) throw new Error('rate limited');
      return `${String(a)}${String(b)}`;
    };
    await expect(limiter.schedule(job, 'x', 'y')).resolves.toBe('xy');
    expect(runs).toBe(2);
    expect(seen).toEqual([{ args: ['x', 'y'], retryCount: 0 }]);
  });

  it('rethrows the failure when the listener gives up, or returns something that is not a wait', async () => {
    for (const answer of [undefined, false, -1, Number.NaN, '10']) {
      const limiter = new RetryingLimiter();
      limiter.on('failed', () => answer);
      const failure = new Error('403');
      await expect(limiter.schedule(async () => Promise.reject(failure))).rejects.toBe(failure);
    }
  });

  it('refuses events the throttling plugin does not use, so a changed plugin fails loudly', () => {
    expect(() => new RetryingLimiter().on('retry', () => undefined)).toThrow(/no "retry" event/);
  });
});

describe('ConcurrencyGroup', () => {
  it('never runs more than maxConcurrent jobs, and runs them all in order', async () => {
    const group = new ConcurrencyGroup(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const job = async (n: unknown) => {
      started.push(n as number);
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      return n;
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => group.key().schedule({}, job, n)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(started).toEqual(results);
    expect(peak).toBe(3);
  });

  it('frees the slot of a failed job', async () => {
    const group = new ConcurrencyGroup(1);
    await expect(group.schedule({}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(group.schedule({}, async () => 'next')).resolves.toBe('next');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyGroup(0)).toThrow(/positive integer/);
  });
});

describe('retryServerErrors', () => {
  const retry = retryServerErrors(2, 100);
  const failed = (status: unknown, retryCount: number, retries?: number) =>
    retry({ status }, { args: [{}, {}, { request: retries === undefined ? {} : { retries } }], retryCount });

  it('retries a server error twice, waiting (n+1)² units', () => {
    expect([0, 1, 2].map((n) => failed(502, n))).toEqual([100, 400, undefined]);
  });

  it('never retries a client error, a status-less failure, or a request marked retries: 0 (a write)', () => {
    expect(failed(404, 0)).toBeUndefined();
    expect(failed(429, 0)).toBeUndefined();
    expect(failed(undefined, 0)).toBeUndefined();
    expect(failed(503, 0, 0)).toBeUndefined();
  });

  it('is asked by RetryingLimiter when the rate-limit listener gives up', async () => {
    const limiter = new RetryingLimiter(retryServerErrors(1, 1));
    limiter.on('failed', () => undefined);
    let runs = 0;
    const job = async () => {
      runs++;
      if (runs === 1) throw Object.assign(new Error('bad gateway'), { status: 502 });
      return 'ok';
    };
    await expect(limiter.schedule(job, {}, {}, { request: {} })).resolves.toBe('ok');
    expect(runs).toBe(2);
  });
});

describe('readLimiters in a real Octokit with the throttling plugin', () => {
  it('every read goes through them (the plugin still reads its undeclared limiter options)', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"login":"octo"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const [{ Octokit }, { throttling }] = await Promise.all([import('@octokit/rest'), import('@octokit/plugin-throttling')]);
      const limiters = readLimiters(2, 1, 10);
      const retried = jest.spyOn(limiters.retryLimiter, 'schedule');
      const capped = jest.spyOn(limiters.global, 'schedule');
      const octokit = new (Octokit.plugin(throttling))({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false, ...limiters },
      });
      const { data } = await octokit.request('GET /user');
      expect(data).toEqual({ login: 'octo' });
      expect(retried).toHaveBeenCalledTimes(1);
      expect(capped).toHaveBeenCalledTimes(1);
    } finally {
      server.close();
    }
  });
});
