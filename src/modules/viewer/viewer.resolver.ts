import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../../access/viewer';
import type { Context } from '../../graphql/context';
import { ConsentPurpose } from '../consent/consent.entity';
import { Patient, Stakeholder } from '../stakeholder/stakeholder.entity';

@ObjectType('Viewer', { description: 'Who the bearer token says you are.' })
export class ViewerInfo {
  @Field(() => String, { description: "Your user id (the token's `sub` claim)." })
  userId: string;
  @Field(() => Role, { description: "Your role (the token's `role` claim)." })
  role: Role;
  @Field(() => ConsentPurpose, { description: 'Purpose of use of this request (token claim, or the default of the role).' })
  purpose: ConsentPurpose;
  @Field(() => Stakeholder, { nullable: true, description: 'Your organisation.' })
  organisation: Stakeholder | null;
  @Field(() => Patient, { nullable: true, description: 'Your own patient record, for a patient login.' })
  patient: Patient | null;
}

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'Who you are, as your bearer token says: user, role, purpose of use, and your organisation or patient record.' })
  async viewer(@Ctx() ctx: Context): Promise<ViewerInfo> {
    const viewer = ctx.viewer;
    if (!viewer) throw new Error('unreachable: the shield requires a token');
    const [organisation, patient] = await Promise.all([
      viewer.orgId ? ctx.loaders.stakeholder.load(viewer.orgId) : null,
      viewer.patientId ? ctx.loaders.stakeholder.load(viewer.patientId) : null,
    ]);
    return {
      userId: viewer.userId,
      role: viewer.role,
      purpose: viewer.purpose,
      organisation,
      patient: patient instanceof Patient ? patient : null,
    };
  }
}
