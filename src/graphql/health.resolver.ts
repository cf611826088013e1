import { Field, ObjectType, Query, Resolver } from 'type-graphql';

@ObjectType({ description: 'Liveness of the API; open without a token.' })
export class Health {
  @Field(() => Boolean, { description: 'Always true: the server answered.' })
  ok: boolean;
  @Field(() => String, { description: 'Version of the running server (package version).' })
  version: string;
}

@Resolver()
export class HealthResolver {
  @Query(() => Health, { description: 'Liveness probe: answers without a token and touches no data.' })
  health(): Health {
    return { ok: true, version: process.env.npm_package_version ?? '0.1.0' };
  }
}
