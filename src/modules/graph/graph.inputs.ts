import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int, registerEnumType } from 'type-graphql';
import { StakeholderKind } from '../stakeholder/stakeholder.entity';

/** The kinds of edge of the `stakeholder_edge` view. */
export enum RelationKind {
  AFFILIATION = 'AFFILIATION',
  PARTNERSHIP = 'PARTNERSHIP',
  CONTRACT = 'CONTRACT',
}
registerEnumType(RelationKind, {
  name: 'RelationKind',
  description: 'The kind of record that links two stakeholders in the graph.',
  valuesConfig: {
    AFFILIATION: { description: 'A current affiliation, either way.' },
    PARTNERSHIP: { description: 'Current co-members of a partnership.' },
    CONTRACT: { description: 'Co-parties of a contract that is not terminated or expired.' },
  },
});

export const MAX_NEIGHBOUR_DEPTH = 3;
export const MAX_PATH_DEPTH = 6;

@ArgsType()
export class NeighboursArgs {
  @Field(() => Int, { defaultValue: 1, description: `Hops away, 1 to ${MAX_NEIGHBOUR_DEPTH}.` })
  @Min(1)
  @Max(MAX_NEIGHBOUR_DEPTH)
  depth: number;

  @Field(() => [StakeholderKind], { nullable: true, description: 'Only neighbours of these kinds (stakeholders of any kind may lie on the way).' })
  kinds?: StakeholderKind[] | null;

  @Field(() => Int, { defaultValue: 50, description: 'At most this many, 1 to 100.' })
  @Min(1)
  @Max(100)
  first: number;
}

@ArgsType()
export class ShortestPathArgs {
  @Field(() => ID, { description: 'Global ID of the stakeholder the path starts from.' })
  from: string;

  @Field(() => ID, { description: 'Global ID of the stakeholder the path ends at.' })
  to: string;

  @Field(() => Int, { defaultValue: 4, description: `Longest path looked for, 1 to ${MAX_PATH_DEPTH} steps.` })
  @Min(1)
  @Max(MAX_PATH_DEPTH)
  maxDepth: number;
}
