import { onEveryStakeholderType } from '../stakeholder/stakeholder.rules';
import { isAuthenticated, readsRecords } from '../../access/rules';

export const graphRules = {
  ...onEveryStakeholderType({ neighbours: readsRecords }),
  Query: {
    shortestPath: readsRecords,
  },
  Neighbour: isAuthenticated,
  Path: isAuthenticated,
  PathStep: isAuthenticated,
};
