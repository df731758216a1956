import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  name: string;
  where: string;
  category: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Busy time (not idle) by category, ms and share of busy time. */
  categories: Array<{ category: string; ms: number; share: number }>;
  top: Frame[];
}

/** Where a frame's code lives: the hub's own code, the MCP SDK, NATS, … */
export function categorize(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8/native (program)';
    return 'V8/native';
  }
  if (url.includes('/node_modules/@modelcontextprotocol/')) return 'MCP SDK';
  if (url.includes('/node_modules/@nats-io/')) return 'NATS client';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (url.includes('/node_modules/ajv')) return 'ajv';
  if (/\/node_modules\/(pino|sonic-boom|thread-stream|fast-redact|quick-format)/.test(url)) return 'pino';
  if (url.includes('/node_modules/')) return `other deps (${url.split('/node_modules/').pop()!.split('/')[0]})`;
  if (url.startsWith('node:')) return 'Node core';
  if (/\/(apps|libs|connectors)\//.test(url)) return 'hub code (apps/, libs/)';
  return 'other';
}

function shortWhere(url: string, line: number): string {
  const trimmed = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/work\/main\//, '');
  return trimmed ? `${trimmed}:${line + 1}` : '(native)';
}

/**
 * Self time per function (aggregated by name and place) and per category, counting only samples
 * inside `window` (CLOCK_MONOTONIC µs, the profile's clock) when given: start-up is left out.
 */
export function summarizeProfile(file: string, window?: [number, number], topN = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window[0] || at > window[1])) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const frames = new Map<string, Frame>();
  const categories = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const category = categorize(url, functionName);
    total += us;
    categories.set(category, (categories.get(category) ?? 0) + us);
    if (category === 'idle') continue;
    const name = functionName || '(anonymous)';
    const where = shortWhere(url, lineNumber);
    const key = `${name}@${where}`;
    const frame = frames.get(key) ?? { name, where, category, selfMs: 0, share: 0 };
    frame.selfMs += us / 1000;
    frames.set(key, frame);
  }
  const busy = (total - (categories.get('idle') ?? 0)) / 1000;
  const top = [...frames.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN);
  for (const frame of top) frame.share = frame.selfMs / busy;
  return {
    totalMs: total / 1000,
    categories: [...categories.entries()]
      .filter(([c]) => c !== 'idle')
      .map(([category, us]) => ({ category, ms: us / 1000, share: us / 1000 / busy }))
      .sort((a, b) => b.ms - a.ms),
    top,
  };
}
