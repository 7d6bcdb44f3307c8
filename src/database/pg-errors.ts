import { QueryFailedError } from 'typeorm';

/** True when a statement failed on the named unique index or constraint (through TypeORM or straight from pg). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as
    { code?: string; constraint?: string } | undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}

/** True when a statement failed on the named foreign key (a referenced row that does not exist). */
export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as
    { code?: string; constraint?: string } | undefined;
  return driverError?.code === '23503' && driverError.constraint === constraint;
}

/** True when a statement failed on the named exclusion constraint (two rows that may not coexist). */
export function isExclusionViolation(error: unknown, constraint: string): boolean {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as
    { code?: string; constraint?: string } | undefined;
  return driverError?.code === '23P01' && driverError.constraint === constraint;
}
