import { ArgsType, ClassType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import type { Listing } from '../access/scope';
import { sealRandom, unseal } from '../shared/sealing';
import { badInput } from './errors';
import { generatedType } from './generated-types';

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Direction of a list ordering; records with equal sort values are ordered by their id in the same direction.',
  valuesConfig: {
    ASC: { description: 'Ascending: smallest, earliest or alphabetically first.' },
    DESC: { description: 'Descending: largest, latest or alphabetically last first.' },
  },
});

export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page of a connection stands in the whole list (Relay cursor pagination).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more records follow: pass `endCursor` as `after` to fetch the next page.' })
  hasNextPage: boolean;
  @Field(() => Boolean, { description: 'Always false: pagination is forward only (first/after).' })
  hasPreviousPage: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first edge of this page; null when the page is empty.' })
  startCursor: string | null;
  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of this page (the `after` of the next one); null when the page is empty.' })
  endCursor: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the previous page.' })
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
  cursors: string[];
  /** Counts lazily: the COUNT statement runs only when a client asks for totalCount. */
  count: () => Promise<number>;
}

/** Builds the `XConnection` and `XEdge` object types for a node type. */
export function Connection<T extends object>(nodeType: ClassType<T> | (abstract new () => T), name: string) {
  @ObjectType(`${name}Edge`, generatedType(`${name}Edge`, `One ${name} record of a page, with its cursor.`))
  class Edge {
    @Field(() => String, {
      description: 'Opaque cursor of this record: pass it as `after` to continue after it, in the same list with the same ordering.',
    })
    cursor: string;
    @Field(() => nodeType, { description: 'The record.' })
    node: T;
  }

  @ObjectType(`${name}Connection`, generatedType(`${name}Connection`, `A page of ${name} records, in the order asked for.`))
  class ConnectionType {
    constructor(private readonly page: Page<T>) {}

    @Field(() => [Edge], { description: 'The records of this page with their cursors, in order.' })
    get edges(): Edge[] {
      return this.page.nodes.map((node, i) => ({ node, cursor: this.page.cursors[i] }));
    }

    @Field(() => [nodeType], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    get nodes(): T[] {
      return this.page.nodes;
    }

    @Field(() => PageInfo, { description: 'Cursors of this page and whether another page follows.' })
    get pageInfo(): PageInfo {
      return this.page.pageInfo;
    }

    @Field(() => Int, { description: 'Number of records matching the filter, over all pages.' })
    totalCount(): Promise<number> {
      return this.page.count();
    }
  }
  return ConnectionType;
}

/** How a list may be ordered: an SQL expression that is never NULL, and how to type a cursor value. */
export interface SortKey {
  expression: string;
  cast: 'text' | 'timestamptz' | 'date' | 'int';
  /** The type of the list's `id` column: uuid unless told (the audit trail's ids are bigint). */
  idCast?: 'uuid' | 'bigint';
}

/** What a cursor's id must look like, by `SortKey.idCast`. */
const CURSOR_ID = { uuid: /^[0-9a-f-]{36}$/, bigint: /^[0-9]{1,19}$/ } as const;

/**
 * Cursors are sealed (encrypted and authenticated): they carry a sort value and a database id,
 * which must not reach a client (a redacted patient's id, for one) nor be forged by one.
 */
function encodeCursor(value: unknown, id: string, list: string): string {
  const v = value instanceof Date ? value.toISOString() : value;
  return sealRandom('cursor', Buffer.from(JSON.stringify([v, id]), 'utf8'), list);
}

/** `list` (the sort expression) binds a cursor to its kind of list: another list's cursor does not open. */
function decodeCursor(cursor: string, list: string, idPattern: RegExp): [string | number, string] {
  const opened = unseal('cursor', cursor, list);
  try {
    const parsed = JSON.parse(opened?.toString('utf8') ?? 'null') as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
      typeof parsed[1] === 'string' &&
      idPattern.test(parsed[1])
    ) {
      return parsed as [string | number, string];
    }
  } catch {
    // fall through
  }
  throw badInput('`after` is not a cursor of this list.', 'after');
}

/**
 * Keyset pagination: ORDER BY (key, id) and WHERE (key, id) > (cursor) so that a page costs the
 * same wherever it starts. `list` carries the filters (and, being the scope's, the record rule);
 * each row's sort key is read with it, as text, for its cursor.
 */
export async function paginate<T extends { id: unknown }>(list: Listing<T>, args: PageArgs, sort: SortKey, direction: SortDirection): Promise<Page<T>> {
  const alias = list.alias;
  const op = direction === SortDirection.ASC ? '>' : '<';
  const order = direction === SortDirection.ASC ? 'ASC' : 'DESC';
  const idCast = sort.idCast ?? 'uuid';
  const cursorList = `${alias}:${sort.expression}`;
  const after = args.after ? decodeCursor(args.after, cursorList, CURSOR_ID[idCast]) : null;
  const rows = await list.select({
    ...(after
      ? {
          where: `(${sort.expression}, ${alias}.id) ${op} (CAST(:cursorValue AS ${sort.cast}), CAST(:cursorId AS ${idCast}))`,
          params: { cursorValue: after[0], cursorId: after[1] },
        }
      : {}),
    orderBy: `${sort.expression} ${order}, ${alias}.id ${order}`,
    limit: args.first + 1,
    key: `CAST(${sort.expression} AS text)`,
  });
  const hasNextPage = rows.length > args.first;
  const page = hasNextPage ? rows.slice(0, args.first) : rows;
  const nodes = page.map((r) => r.row);
  const cursors = page.map((r) => encodeCursor(r.key, String(r.row.id), cursorList));
  return {
    nodes,
    cursors,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
    count: () => list.count(),
  };
}
