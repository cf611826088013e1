import { isAuthenticated } from '../../access/rules';

export const viewerRules = {
  Query: { viewer: isAuthenticated },
  Viewer: isAuthenticated,
};
