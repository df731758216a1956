import { z } from 'zod';

/** One bucket of a downsampled series: the values received in `[start, end)`. */
export const BucketSchema = z.object({
  start: z.string().describe('ISO time the bucket starts (inclusive).'),
  end: z.string().describe('ISO time the bucket ends (exclusive).'),
  count: z.number().int(),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
});
export type Bucket = z.infer<typeof BucketSchema>;

export interface Point {
  t: number;
  v: number;
}

/**
 * Aggregates points into buckets of `bucketMs` aligned on multiples of `bucketMs` since the epoch
 * (so the same range always gives the same buckets), oldest first; empty buckets are left out.
 * `avg` is the sum divided by the count, in double precision.
 */
export function downsample(points: readonly Point[], bucketMs: number): Bucket[] {
  const buckets = new Map<number, { count: number; min: number; max: number; sum: number }>();
  for (const { t, v } of points) {
    const start = Math.floor(t / bucketMs) * bucketMs;
    const bucket = buckets.get(start);
    if (!bucket) buckets.set(start, { count: 1, min: v, max: v, sum: v });
    else {
      bucket.count++;
      bucket.min = Math.min(bucket.min, v);
      bucket.max = Math.max(bucket.max, v);
      bucket.sum += v;
    }
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, b]) => ({ start: new Date(start).toISOString(), end: new Date(start + bucketMs).toISOString(), count: b.count, min: b.min, max: b.max, avg: b.sum / b.count }));
}
