/** Merges plain objects; `undefined` in the overlay leaves the base alone; arrays are replaced. */
export function deepMerge(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === undefined) continue;
    const current = result[key];
    if (isPlainObject(value) && isPlainObject(current)) result[key] = deepMerge(current, value);
    else if (isPlainObject(value)) {
      const merged = deepMerge({}, value);
      if (Object.keys(merged).length > 0) result[key] = merged;
    } else result[key] = value;
  }
  return result;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
