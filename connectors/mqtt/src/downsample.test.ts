import { downsample } from './downsample';

describe('downsample', () => {
  it('aggregates exactly per epoch-aligned bucket, oldest first, leaving empty buckets out', () => {
    const base = Date.UTC(2026, 0, 1, 12, 0, 0);
    const points = [
      { t: base + 59_999, v: 5 },
      { t: base, v: 1 },
      { t: base + 30_000, v: 3 },
      { t: base + 60_000, v: 10 },
      { t: base + 180_000, v: -2 },
      { t: base + 180_001, v: 4 },
    ];
    expect(downsample(points, 60_000)).toEqual([
      { start: '2026-01-01T12:00:00.000Z', end: '2026-01-01T12:01:00.000Z', count: 3, min: 1, max: 5, avg: 3 },
      { start: '2026-01-01T12:01:00.000Z', end: '2026-01-01T12:02:00.000Z', count: 1, min: 10, max: 10, avg: 10 },
      { start: '2026-01-01T12:03:00.000Z', end: '2026-01-01T12:04:00.000Z', count: 2, min: -2, max: 4, avg: 1 },
    ]);
    expect(downsample([], 1000)).toEqual([]);
  });
});
