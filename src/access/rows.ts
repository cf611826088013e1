import type { DataSource, EntityMetadata } from 'typeorm';

/**
 * How the scope reads an entity's rows without the ORM's hydration (issue 15): from TypeORM's
 * metadata, once per entity, a select list that names each column after its property (`date`
 * columns as text, as TypeORM gives them) and a hydrator that gives each row its entity's
 * prototype (the concrete class of a single-table child, picked by the discriminator), so that
 * getters such as `globalId` and `resolveType` work on it as on an entity TypeORM built.
 *
 * An entity may leave columns out of its reads (`DEFERRED`): long texts and arrays that lists
 * and portals rarely ask for. A request reads those its operation selects somewhere (the
 * columns plugin tells the scope before execution); a field over a deferred column that was
 * not read loads it on demand, for every record of the request in one batch
 * (`src/graphql/deferred-columns.ts`).
 */
export interface RowShape<E> {
  readonly table: string;
  /** The properties left out of reads unless a request asks for them (see `reading`). */
  readonly deferred: ReadonlySet<string>;
  /** How to read the rows: every column but the deferred ones, plus those of `include` (built once per set). */
  reading(include?: ReadonlySet<string>): RowReader<E>;
  /** The deferred columns, as `alias.column AS "<property>"` (with the id), for the on-demand loader. */
  selectDeferred(alias: string): string;
}

export interface RowReader<E> {
  /** The columns read, as `alias.column AS "<prefix><property>"`, comma-separated. */
  select(alias: string, prefix?: string): string;
  /** The entity a row read with `select(…, prefix)` holds; null when its id is null (an outer join without a match). */
  hydrate(row: Record<string, unknown>, prefix?: string): E | null;
}

/** Columns each entity leaves out of its reads, by property (the entity's table name keys it). */
const DEFERRED: Record<string, readonly string[]> = {
  // Timestamps too: parsing a date per column and row was 4% of the portal's CPU, and lists rarely show them.
  affiliation: ['createdAt', 'updatedAt'],
  stakeholder: [
    'createdAt',
    'updatedAt',
    'archivedAt',
    'erasedAt',
    'description',
    'website',
    'tags',
    'email',
    'phone',
    'birthYear',
    'conditions',
    'languages',
    'expertise',
    'diseaseAreas',
    'umbrella',
    'transparencyRegisterId',
    'companyType',
    'therapeuticAreas',
    'efpiaMember',
    'jurisdiction',
    'appraisalScope',
    'agencyType',
    'researchKind',
  ],
};

export const deferredColumns = (table: string): readonly string[] => DEFERRED[table] ?? [];

interface ColumnRead {
  property: string;
  /** The SQL expression over the alias `$` (a `date` is read as text). */
  expression: (alias: string) => string;
  transform?: (value: unknown) => unknown;
}

function columnReads(metadata: EntityMetadata): ColumnRead[] {
  // A column marked `select: false` (the record keys of metrics/perturbation.ts) is never read for a response.
  return metadata.columns.filter((column) => column.isSelect).map((column) => {
    const name = `"${column.databaseName}"`;
    const isDate = column.type === 'date' && !column.isArray;
    const transformer = column.transformer;
    if (Array.isArray(transformer)) throw new Error(`${metadata.name}.${column.propertyName}: a chain of transformers is not supported by rows.ts`);
    return {
      property: column.propertyName,
      expression: (alias: string) => (isDate ? `${alias}.${name}::text` : `${alias}.${name}`),
      ...(transformer ? { transform: (value: unknown) => transformer.from(value) as unknown } : {}),
    };
  });
}

function buildShape<E>(metadata: EntityMetadata): RowShape<E> {
  const deferred = new Set(deferredColumns(metadata.tableName));
  const all = columnReads(metadata);
  for (const property of deferred) {
    if (!all.some((c) => c.property === property)) throw new Error(`rows.ts defers ${metadata.tableName}.${property}, which the entity does not have`);
  }
  const primary = metadata.primaryColumns[0].propertyName;
  if (deferred.has(primary)) throw new Error(`rows.ts cannot defer the primary key of ${metadata.tableName}`);
  const discriminator = metadata.discriminatorColumn?.propertyName;
  const prototypes = new Map<unknown, object>(
    metadata.childEntityMetadatas.map((child) => [child.discriminatorValue, (child.target as { prototype: object }).prototype]),
  );
  const basePrototype = (metadata.target as { prototype: object }).prototype;
  const readers = new Map<string, RowReader<E>>();

  const buildReader = (read: ColumnRead[]): RowReader<E> => {
    const primaryIndex = read.findIndex((c) => c.property === primary);
    // A record read without some deferred columns has them as accessors on its prototype: reading
    // one before it is loaded throws (never a silent undefined), setting one stores it on the record.
    const missing = [...deferred].filter((p) => !read.some((c) => c.property === p));
    const narrow = (proto: object): object =>
      missing.length === 0
        ? proto
        : Object.create(
            proto,
            Object.fromEntries(
              missing.map((property) => [
                property,
                {
                  get(): never {
                    throw new Error(`${metadata.name}.${property} was not read (rows.ts defers it): load it with scope.deferred(…)`);
                  },
                  set(this: object, value: unknown) {
                    Object.defineProperty(this, property, { value, writable: true, enumerable: true, configurable: true });
                  },
                },
              ]),
            ) as PropertyDescriptorMap,
          );
    const readerPrototypes = new Map([...prototypes].map(([kind, proto]) => [kind, narrow(proto)]));
    const readerBase = narrow(basePrototype);
    const selects = new Map<string, string>();
    const keys = new Map<string, string[]>();
    const keysOf = (prefix: string): string[] => {
      let k = keys.get(prefix);
      if (!k) keys.set(prefix, (k = read.map((c) => `${prefix}${c.property}`)));
      return k;
    };
    return {
      select(alias, prefix = '') {
        const key = `${alias}\u0000${prefix}`;
        let text = selects.get(key);
        if (text === undefined) {
          text = read.map((c) => `${c.expression(alias)} AS "${prefix}${c.property}"`).join(', ');
          selects.set(key, text);
        }
        return text;
      },
      hydrate(row, prefix = '') {
        const k = keysOf(prefix);
        if (row[k[primaryIndex]] == null) return null;
        const kind = discriminator ? row[`${prefix}${discriminator}`] : undefined;
        const entity = Object.create(readerPrototypes.get(kind) ?? readerBase) as Record<string, unknown>;
        for (let i = 0; i < read.length; i++) {
          const c = read[i];
          const value = row[k[i]];
          entity[c.property] = c.transform ? c.transform(value) : value;
        }
        return entity as E;
      },
    };
  };

  return {
    table: metadata.tableName,
    deferred,
    reading(include) {
      const wanted = include ? [...include].filter((p) => deferred.has(p)).sort() : [];
      const key = wanted.join(',');
      let reader = readers.get(key);
      if (!reader) {
        reader = buildReader(all.filter((c) => !deferred.has(c.property) || wanted.includes(c.property)));
        readers.set(key, reader);
      }
      return reader;
    },
    selectDeferred(alias) {
      return all
        .filter((c) => c.property === primary || deferred.has(c.property))
        .map((c) => `${c.expression(alias)} AS "${c.property}"`)
        .join(', ');
    },
  };
}

const SHAPES = new WeakMap<DataSource, Map<unknown, RowShape<unknown>>>();

/** The row shape of `entity` in `db` (built once). */
export function rowShape<E>(db: DataSource, entity: abstract new (...args: never[]) => E): RowShape<E> {
  let shapes = SHAPES.get(db);
  if (!shapes) SHAPES.set(db, (shapes = new Map()));
  let shape = shapes.get(entity);
  if (!shape) {
    shape = buildShape<unknown>(db.getMetadata(entity as never));
    shapes.set(entity, shape);
  }
  return shape as RowShape<E>;
}
