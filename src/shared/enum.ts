/** SQL for a CHECK constraint that keeps a text column within a TypeScript string enum. */
export function checkIn(column: string, values: Record<string, string> | readonly string[], nullable = false): string {
  const list = (Array.isArray(values) ? values : Object.values(values)).map((v) => `'${v}'`).join(', ');
  return nullable ? `${column} IS NULL OR ${column} IN (${list})` : `${column} IN (${list})`;
}
