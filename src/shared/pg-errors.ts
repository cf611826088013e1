import { QueryFailedError } from 'typeorm';

/** The constraint a write violated, if it failed on one (unique, foreign key or check). */
export function violatedConstraint(error: unknown): { code: string; constraint: string } | null {
  if (error instanceof QueryFailedError) {
    const driverError = error.driverError as { code?: string; constraint?: string };
    if (driverError.code && driverError.constraint && ['23505', '23503', '23514', '23P01'].includes(driverError.code)) {
      return { code: driverError.code, constraint: driverError.constraint };
    }
  }
  return null;
}
