import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { exportLink } from './transfer.export';
import { ExportFormat, ImportRecordsInput } from './transfer.inputs';
import { transferService } from './transfer.service';
import { ExportLink, ImportRecordsPayload } from './transfer.types';

@Resolver()
export class TransferResolver {
  @Mutation(() => ImportRecordsPayload, {
    description:
      'Imports a small file of records (ADMIN, ENGAGEMENT_MANAGER): each row is created, or updated when its externalId was imported ' +
      'by your organisation before, under the rules and permissions of the mutation it stands for; a file with a rejected row changes ' +
      'nothing unless `partial` is true. Larger files: `npm run import` (README "Import and export").',
  })
  importRecords(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('input', () => ImportRecordsInput, { description: 'The file, its format and type, and how to apply it.' }) input: ImportRecordsInput,
  ): Promise<ImportRecordsPayload> {
    return transferService.importInline(ctx, info.schema, input);
  }

  @Query(() => ExportLink, {
    description:
      'A link (valid 5 minutes) that downloads the graph you may see — stakeholders, affiliations, partnerships and their members — ' +
      'redacted exactly as the API shows it to you, as JSONL (the import format) or GraphML.',
  })
  exportGraph(@Ctx() ctx: Context, @Arg('format', () => ExportFormat, { description: 'JSONL or GRAPHML.' }) format: ExportFormat): ExportLink {
    return exportLink(ctx, format);
  }
}
