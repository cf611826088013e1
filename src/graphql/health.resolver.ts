import { Field, ObjectType, Query, Resolver } from 'type-graphql';

@ObjectType({ description: 'Liveness of the API; open without a token.' })
export class Health {
  @Field(() => Boolean) ok: boolean;
  @Field(() => String) version: string;
}

@Resolver()
export class HealthResolver {
  @Query(() => Health)
  health(): Health {
    return { ok: true, version: process.env.npm_package_version ?? '0.1.0' };
  }
}
