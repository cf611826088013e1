import { Field, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../shared/mutation';

@ObjectType({ description: 'A row of an imported file that was not written, and why.' })
export class ImportRejection {
  @Field(() => Int, { description: 'The row number: 1 is the first record after the CSV header, or the first line of JSONL.' })
  row: number;

  @Field(() => String, { nullable: true, description: 'The column at fault, when one is (e.g. `country`, `members.1.role`).' })
  column: string | null;

  @Field(() => String, { description: 'The kind of failure: BAD_USER_INPUT, NOT_FOUND, CONFLICT or FORBIDDEN (as the mutation would answer).' })
  code: string;

  @Field(() => String, { description: 'Why, in English, for a person to read.' })
  reason: string;
}

@ObjectType({ description: 'What an import did (or, for a dry run or a file with rejected rows, would have done).' })
export class ImportReport {
  @Field(() => Int, { description: 'Rows read.' })
  rows: number;

  @Field(() => Int, { description: 'Records created.' })
  created: number;

  @Field(() => Int, { description: 'Records updated (their externalId was imported before and a value changed).' })
  updated: number;

  @Field(() => Int, { description: 'Rows equal to the record already imported under their externalId.' })
  unchanged: number;

  @Field(() => Int, { description: 'Rows rejected (all of them counted; the first 1,000 are listed in `rejected`).' })
  rejectedCount: number;

  @Field(() => [ImportRejection], { description: 'The rejected rows, in file order, at most 1,000.' })
  rejected: ImportRejection[];

  @Field(() => Boolean, {
    description: 'Whether anything was written: false for a dry run, and for a file with a rejected row unless `partial` was asked for.',
  })
  committed: boolean;
}

@ObjectType({ description: 'A short-lived link that downloads the graph you may see, redacted as the API shows it to you.' })
export class ExportLink {
  @Field(() => String, { description: 'The path to GET (relative to the server, e.g. `/export/…`); it needs no token, so treat it as a secret.' })
  url: string;

  @Field(() => Date, { description: 'When the link stops working (5 minutes after it was made).' })
  expiresAt: Date;
}

@ObjectType({ description: 'What importRecords returns: the report, or the userErrors that stopped the file from being read at all.' })
export class ImportRecordsPayload {
  @Field(() => ImportReport, {
    nullable: true,
    description: 'What the import did, row by row (rejected rows are reported here, not as userErrors); null when userErrors is not empty.',
  })
  report: ImportReport | null;

  @Field(() => [UserError], { description: 'Empty when the file was read; otherwise why it could not be (e.g. a CSV without a type), and nothing was written.' })
  userErrors: UserError[];
}
