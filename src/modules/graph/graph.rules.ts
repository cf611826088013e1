import { isAuthenticated, readsRecords } from '../../access/rules';

export const graphRules = {
  Query: {
    shortestPath: readsRecords,
  },
  Neighbour: isAuthenticated,
  Path: isAuthenticated,
  PathStep: isAuthenticated,
};
