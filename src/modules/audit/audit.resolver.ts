import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Patient } from '../stakeholder/stakeholder.entity';
import { AuditEvent } from './audit.entity';
import { AuditEventFilter } from './audit.inputs';
import { auditService } from './audit.service';
import { AccessLogConnection, AccessLogEntry, AuditEventConnection } from './audit.types';

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first (ADMIN). Reading it is itself recorded (`audit:read`).' })
  async auditEvents(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true, description: 'Omit for the whole trail.' }) filter: AuditEventFilter | null,
  ): Promise<AuditEventConnection> {
    return new AuditEventConnection(await auditService.events(ctx, page, filter));
  }

  @FieldResolver(() => String, { nullable: true, description: "The name of the user's organisation; null for none." })
  organisationName(@Root() event: AuditEvent, @Ctx() ctx: Context): Promise<string | null> {
    return auditService.organisationName(ctx, event.organisationId);
  }
}

@Resolver(() => AccessLogEntry)
export class AccessLogEntryResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The organisation that accessed the record; null for the alliance secretariat.' })
  organisationName(@Root() entry: AccessLogEntry, @Ctx() ctx: Context): Promise<string | null> {
    return auditService.organisationName(ctx, entry.organisationId);
  }
}

@Resolver(() => Patient)
export class PatientAccessLogResolver {
  @FieldResolver(() => AccessLogConnection, {
    description: "Who accessed this patient's record, newest first: organisation, role, purpose, fields, when. The patient's own (without their own reads) and ADMIN's; empty for anyone else.",
  })
  async accessLog(@Root() patient: Patient, @Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs): Promise<AccessLogConnection> {
    return new AccessLogConnection(await auditService.accessLog(ctx, patient, page));
  }
}
