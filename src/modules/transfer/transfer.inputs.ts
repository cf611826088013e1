import { Length } from 'class-validator';
import { Field, InputType, registerEnumType } from 'type-graphql';

/** The record types a file can hold (one type per file, or JSONL lines naming their own `recordType`). */
export enum ImportType {
  STAKEHOLDERS = 'STAKEHOLDERS',
  AFFILIATIONS = 'AFFILIATIONS',
  PARTNERSHIPS = 'PARTNERSHIPS',
  COMMITMENTS = 'COMMITMENTS',
  INTERACTIONS = 'INTERACTIONS',
  CONSENTS = 'CONSENTS',
}
registerEnumType(ImportType, {
  name: 'ImportType',
  description: 'What the rows of an imported file are (README "Import and export" lists the columns of each).',
  valuesConfig: {
    STAKEHOLDERS: { description: 'Stakeholders of any kind, as createStakeholder takes them.' },
    AFFILIATIONS: { description: 'Affiliations between two stakeholders, as addAffiliation takes them.' },
    PARTNERSHIPS: { description: 'Partnerships with their members, as proposePartnership takes them (plus their status).' },
    COMMITMENTS: { description: 'Commitments, as makeCommitment takes them (plus their status and, fulfilled, their evidence).' },
    INTERACTIONS: { description: 'Interactions and their participants, as recordInteraction records them (follow-ups: import them as commitments).' },
    CONSENTS: { description: "Patients' consents, each with the reference of the patient's own evidence of it (ADMIN only, as grantConsent)." },
  },
});

export enum ImportFormat {
  CSV = 'CSV',
  JSONL = 'JSONL',
}
registerEnumType(ImportFormat, {
  name: 'ImportFormat',
  description: 'How an imported file is written.',
  valuesConfig: {
    CSV: { description: 'RFC 4180 CSV with a header row naming the columns; lists are separated by `;`.' },
    JSONL: { description: 'One JSON object per line (JSON Lines); a line may name its own `recordType` (as `npm run export` writes them).' },
  },
});

export enum ExportFormat {
  JSONL = 'JSONL',
  GRAPHML = 'GRAPHML',
}
registerEnumType(ExportFormat, {
  name: 'ExportFormat',
  description: 'How the visible graph is exported.',
  valuesConfig: {
    JSONL: { description: 'JSON Lines in the import format: stakeholders, then affiliations, then partnerships with their members.' },
    GRAPHML: { description: 'GraphML (opens in Gephi and Cytoscape): stakeholders and partnerships as nodes, affiliations and memberships as edges.' },
  },
});

@InputType({
  description:
    'A file of records to create or update, matched by their `externalId` (unique per organisation and record type). ' +
    'Every row passes the rules of the mutation it stands for; a file with a rejected row changes nothing unless `partial` is true. ' +
    'The request body is limited (BODY_LIMIT_BYTES): larger files go through `npm run import`, which streams them.',
})
export class ImportRecordsInput {
  @Field(() => ImportType, { nullable: true, description: 'What the rows are; may be left out for JSONL whose lines each name their `recordType`.' })
  type?: ImportType | null;

  @Field(() => ImportFormat, { description: 'How `data` is written.' })
  format: ImportFormat;

  @Field(() => String, { description: 'The file itself, as text (UTF-8), up to 60,000 characters; larger files go through `npm run import`.' })
  @Length(1, 60_000)
  data: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Check every row and report, but write nothing.' })
  dryRun: boolean;

  @Field(() => Boolean, { defaultValue: false, description: 'Write the valid rows even when others are rejected (by default a rejected row stops the whole file).' })
  partial: boolean;
}
