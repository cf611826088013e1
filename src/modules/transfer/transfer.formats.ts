import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportFormat } from './transfer.inputs';

/** A row of an imported file: its number (1 = first record) and its values, or why it could not be read. */
export type SourceRow = { row: number; values: Record<string, unknown> } | { row: number; unreadable: string };

/** Longest line or CSV record accepted, in characters: memory stays bounded whatever the file. */
export const MAX_RECORD_CHARS = 200_000;

/** The rows of `source` (a stream or a whole text), one at a time: nothing holds the whole file. */
export async function* readRows(source: Readable | string, format: ImportFormat): AsyncGenerator<SourceRow> {
  const input = typeof source === 'string' ? Readable.from([source]) : source;
  if (format === ImportFormat.JSONL) {
    let row = 0;
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      row += 1;
      if (line.length > MAX_RECORD_CHARS) {
        yield { row, unreadable: `The line is longer than ${MAX_RECORD_CHARS} characters.` };
        continue;
      }
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) yield { row, unreadable: 'A line must be a JSON object.' };
        else yield { row, values: parsed as Record<string, unknown> };
      } catch {
        yield { row, unreadable: 'The line is not valid JSON.' };
      }
    }
    return;
  }
  // csv-parse (node-csv, the family of csv-stringify): RFC 4180, streamed, a record's size capped.
  const parser = input.pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, max_record_size: MAX_RECORD_CHARS, relax_column_count: false }),
  );
  let row = 0;
  try {
    for await (const record of parser) {
      row += 1;
      yield { row, values: record };
    }
  } catch (error) {
    // A malformed CSV cannot be read past the fault (quotes out of step): the rest of the file is one rejected row.
    yield { row: row + 1, unreadable: `The CSV cannot be read from here on: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 200)}` };
  }
}

/** CSV cells are text: an empty cell is no value, a list is `;`-separated, a number or a boolean is parsed. */
export const csvCell = {
  text: (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined),
  list: (value: unknown): string[] | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.split(';').map((item) => item.trim()).filter((item) => item !== '') : undefined,
  int: (value: unknown): number | string | undefined => {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  },
  bool: (value: unknown): boolean | string | undefined => {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const v = value.trim().toLowerCase();
    return v === 'true' ? true : v === 'false' ? false : value;
  },
};
