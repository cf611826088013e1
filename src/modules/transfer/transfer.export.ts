import { execute, parse, type GraphQLSchema } from 'graphql';
import type { Context } from '../../graphql/context';
import { wantedColumns } from '../../graphql/deferred-columns';
import { sealRandom, unseal } from '../../shared/sealing';
import type { Viewer } from '../../access/viewer';
import { ExportFormat } from './transfer.inputs';
import type { ExportLink } from './transfer.types';

/**
 * Export of the graph a viewer may see. It is read through the API itself: each page is a GraphQL
 * operation executed against the server's schema as the viewer, so the shield, the record rules,
 * the field policy (a redacted patient comes out redacted, under their sealed id) and the audit of
 * sensitive reads are exactly those of the API; nothing here decides what may be seen. Each page
 * runs in a fresh context (its loaders forget the last page: memory stays bounded) and its reads
 * are audited before the page is written (fail closed, as a response is withheld when its audit fails).
 */

const PAGE = 100;

const STAKEHOLDERS = parse(`
  query ExportStakeholders($after: String) {
    stakeholders(first: ${PAGE}, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id kind name country description website tags
        ... on Patient { pseudonym displayName email phone birthYear conditions languages expertise redactedFields }
        ... on PatientOrganisation { diseaseAreas umbrella transparencyRegisterId }
        ... on Company { companyType therapeuticAreas efpiaMember }
        ... on HtaBody { jurisdiction appraisalScope }
        ... on Regulator { jurisdiction agencyType }
        ... on ResearchOrganisation { researchKind }
      }
    }
  }`);

const AFFILIATIONS = parse(`
  query ExportAffiliations($after: String) {
    affiliations(first: ${PAGE}, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id kind from { id } to { id } since until }
    }
  }`);

const PARTNERSHIPS = parse(`
  query ExportPartnerships($after: String) {
    partnerships(first: ${PAGE}, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id title description type status visibility developmentStage therapeuticArea startDate endDate
        members { role stakeholder { id } }
      }
    }
  }`);

type Json = Record<string, unknown>;

/** Where the export goes (stdout, an HTTP response); `write` resolves when the chunk may be followed by the next. */
export interface ExportSink {
  write(chunk: string): Promise<void>;
}

/** Every page of a connection, each as the viewer may see it, in a fresh context of `open`. */
async function* pages(open: () => Context, schema: GraphQLSchema, document: ReturnType<typeof parse>, field: string): AsyncGenerator<Json[]> {
  let after: string | null = null;
  for (;;) {
    const ctx = open();
    ctx.scope.wantColumns(wantedColumns(schema, document));
    const result = await execute({ schema, document, contextValue: ctx, variableValues: { after } });
    if (result.errors?.length) throw result.errors[0];
    await ctx.scope.flushAudit();
    const connection = (result.data as Record<string, { nodes: Json[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>)[field];
    yield connection.nodes;
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return;
    after = connection.pageInfo.endCursor;
  }
}

/** A stakeholder as an import line: the kind's fields that are set, its id as the externalId. */
function stakeholderLine(node: Json): Json {
  const { id, name, redactedFields, ...fields } = node;
  const line: Json = { recordType: 'stakeholder', externalId: id, kind: node.kind };
  // A patient is named by the pseudonym (null when it is hidden from you).
  if (node.kind !== 'PATIENT') line.name = name;
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'kind' || value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    line[key] = value;
  }
  if (Array.isArray(redactedFields) && redactedFields.length > 0) line.redactedFields = redactedFields;
  return line;
}

const affiliationLine = (node: Json): Json => ({
  recordType: 'affiliation',
  externalId: node.id,
  kind: node.kind,
  fromExternalId: (node.from as Json).id,
  toExternalId: (node.to as Json).id,
  ...(node.since ? { since: node.since } : {}),
  ...(node.until ? { until: node.until } : {}),
});

function partnershipLine(node: Json): Json {
  const line: Json = { recordType: 'partnership', externalId: node.id };
  for (const key of ['title', 'description', 'type', 'status', 'visibility', 'developmentStage', 'therapeuticArea', 'startDate', 'endDate']) {
    if (node[key] !== null && node[key] !== undefined) line[key] = node[key];
  }
  line.members = (node.members as Json[]).map((m) => ({ stakeholderExternalId: (m.stakeholder as Json).id, role: m.role }));
  return line;
}

// GraphML (http://graphml.graphdrawing.org/): every attribute declared as a <key> before the graph, as Gephi and Cytoscape expect.
const NODE_KEYS: [string, string, string][] = [
  ['recordType', 'recordType', 'string'],
  ['kind', 'kind', 'string'],
  ['label', 'label', 'string'],
  ['country', 'country', 'string'],
  ['redacted', 'redacted', 'boolean'],
  ['status', 'status', 'string'],
  ['partnershipType', 'partnershipType', 'string'],
];
const EDGE_KEYS: [string, string, string][] = [
  ['relation', 'relation', 'string'],
  ['since', 'since', 'string'],
  ['until', 'until', 'string'],
  ['role', 'role', 'string'],
];

const xml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string).replace(
    // Characters XML 1.0 cannot carry at all.
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g,
    '',
  );

const data = (values: Json): string =>
  Object.entries(values)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `<data key="${k}">${xml(String(v))}</data>`)
    .join('');

const GRAPHML_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n' +
  [...NODE_KEYS.map(([id, name, type]) => `  <key id="${id}" for="node" attr.name="${name}" attr.type="${type}"/>`), ...EDGE_KEYS.map(([id, name, type]) => `  <key id="${id}" for="edge" attr.name="${name}" attr.type="${type}"/>`)].join('\n') +
  '\n  <graph id="alliance" edgedefault="directed">\n';

/**
 * Writes the viewer's graph to `sink`: stakeholders, then affiliations, then partnerships with
 * their current members. JSONL is the import format (a line per record, naming its `type`);
 * GraphML draws stakeholders and partnerships as nodes, affiliations and memberships as edges.
 * Edges whose other end the export did not contain (an archived stakeholder) are left out.
 */
export async function exportGraph(open: () => Context, schema: GraphQLSchema, format: ExportFormat, sink: ExportSink): Promise<{ nodes: number; edges: number }> {
  const seen = new Set<string>();
  let edges = 0;
  const graphml = format === ExportFormat.GRAPHML;
  if (graphml) await sink.write(GRAPHML_HEAD);
  for await (const nodes of pages(open, schema, STAKEHOLDERS, 'stakeholders')) {
    const out = nodes.map((node) => {
      seen.add(node.id as string);
      if (!graphml) return `${JSON.stringify(stakeholderLine(node))}\n`;
      const redacted = Array.isArray(node.redactedFields) && node.redactedFields.length > 0;
      return `    <node id="${xml(node.id as string)}">${data({ recordType: 'Stakeholder', kind: node.kind, label: node.name, country: node.country, redacted })}</node>\n`;
    });
    await sink.write(out.join(''));
  }
  for await (const nodes of pages(open, schema, AFFILIATIONS, 'affiliations')) {
    const out: string[] = [];
    for (const node of nodes) {
      const from = (node.from as Json).id as string;
      const to = (node.to as Json).id as string;
      if (!seen.has(from) || !seen.has(to)) continue;
      edges += 1;
      out.push(
        graphml
          ? `    <edge id="${xml(node.id as string)}" source="${xml(from)}" target="${xml(to)}">${data({ relation: node.kind, since: node.since, until: node.until })}</edge>\n`
          : `${JSON.stringify(affiliationLine(node))}\n`,
      );
    }
    await sink.write(out.join(''));
  }
  let partnerships = 0;
  for await (const nodes of pages(open, schema, PARTNERSHIPS, 'partnerships')) {
    const out: string[] = [];
    for (const node of nodes) {
      partnerships += 1;
      const members = (node.members as Json[]).filter((m) => seen.has((m.stakeholder as Json).id as string));
      edges += members.length;
      if (!graphml) {
        out.push(`${JSON.stringify(partnershipLine({ ...node, members }))}\n`);
        continue;
      }
      const id = node.id as string;
      out.push(`    <node id="${xml(id)}">${data({ recordType: 'Partnership', label: node.title, status: node.status, partnershipType: node.type })}</node>\n`);
      for (const m of members) {
        out.push(`    <edge source="${xml((m.stakeholder as Json).id as string)}" target="${xml(id)}">${data({ relation: 'MEMBER_OF_PARTNERSHIP', role: m.role })}</edge>\n`);
      }
    }
    await sink.write(out.join(''));
  }
  if (graphml) await sink.write('  </graph>\n</graphml>\n');
  return { nodes: seen.size + partnerships, edges };
}

/** How long an export link works. */
export const EXPORT_LINK_TTL_MS = 5 * 60_000;
const LINK_PURPOSE = 'export-link';

/**
 * A link that downloads the viewer's export without a token: the viewer and the format sealed
 * (AES-GCM under ID_SECRET, so it can be neither read nor forged) with an expiry. The route that
 * serves it checks the viewer's claims again, as for any request.
 */
export function exportLink(ctx: Context, format: ExportFormat): ExportLink {
  const viewer = ctx.viewer as Viewer;
  const expiresAt = new Date(Date.now() + EXPORT_LINK_TTL_MS);
  const sealed = sealRandom(LINK_PURPOSE, Buffer.from(JSON.stringify({ viewer, format, exp: expiresAt.getTime() }), 'utf8'));
  ctx.scope.audit.record({ action: 'transfer:exportLink', outcome: 'allowed', fields: [format] });
  return { url: `/export/${sealed}`, expiresAt };
}

/** The viewer and format of a link, or null when it is not ours or has expired. */
export function openExportLink(sealed: string): { viewer: Viewer; format: ExportFormat } | null {
  const plain = unseal(LINK_PURPOSE, sealed);
  if (!plain) return null;
  const link = JSON.parse(plain.toString('utf8')) as { viewer: Viewer; format: ExportFormat; exp: number };
  return link.exp > Date.now() ? { viewer: link.viewer, format: link.format } : null;
}
