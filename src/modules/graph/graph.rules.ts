import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { readsRecords } from '../../access/rules';

export const graphRules = {
  ...onEveryStakeholderType({ neighbours: readsRecords }),
  Query: {
    shortestPath: readsRecords,
  },
  Neighbour: readsRecords,
  Path: readsRecords,
  PathStep: readsRecords,
};
