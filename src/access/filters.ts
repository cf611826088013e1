import { forbidden, unauthenticated } from '../graphql/errors';
import { CLASSES, type Sensitivity } from './policy';
import type { Scope } from './scope';

/**
 * A filter on a sensitive field would be an oracle for the rows it leaves out: only viewers who
 * read the field on every record (its class's roles) may use it; anyone else is refused and
 * nothing runs.
 */
export function assertMayFilterOn(scope: Scope, sensitivity: Sensitivity, field: string): void {
  if (!scope.viewer) throw unauthenticated();
  if (!CLASSES[sensitivity].roles.includes(scope.viewer.role)) throw forbidden(`You may not filter on ${field}.`);
}
