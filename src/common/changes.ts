/**
 * The before/after of the fields that actually changed, for audit metadata. Values are
 * compared as JSON so that dates and nulls compare sensibly.
 */
export function diff<T extends object>(
  before: T,
  after: Partial<T>,
  fields: Array<keyof T>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (!(field in after) || after[field] === undefined) continue;
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes[String(field)] = { from: before[field] ?? null, to: after[field] ?? null };
    }
  }
  return changes;
}
