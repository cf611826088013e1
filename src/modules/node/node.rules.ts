import { readsRecords } from '../../access/rules';

export const nodeRules = {
  Query: {
    node: readsRecords,
    nodes: readsRecords,
  },
};
