import { DomainError } from '../common/errors/domain-error';
import { FilterNode, parseFilter, ScimFilterError } from './core/scim-filter';
import { ScimPatchError } from './core/scim-patch';
import { ScimErrors } from './scim.errors';

/** Runs a pure core and turns its errors into the SCIM problems they stand for. */
export function scimCore<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toDomainError(error);
  }
}

export function toDomainError(error: unknown): unknown {
  if (error instanceof ScimFilterError) return ScimErrors.SCIM_INVALID_FILTER(error.message);
  if (!(error instanceof ScimPatchError)) return error;
  const factory = {
    invalidSyntax: ScimErrors.SCIM_INVALID_SYNTAX,
    invalidPath: ScimErrors.SCIM_INVALID_PATH,
    noTarget: ScimErrors.SCIM_NO_TARGET,
    invalidValue: ScimErrors.SCIM_INVALID_VALUE,
    mutability: ScimErrors.SCIM_MUTABILITY,
  }[error.scimType];
  return factory(error.message);
}

/** Pagination as RFC 7644 §3.4.2.4 has it: 1-based startIndex, count capped, both defaulted. */
export interface ScimPage {
  startIndex: number;
  count: number;
}

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 200;

export function readPage(startIndex: string | undefined, count: string | undefined): ScimPage {
  const integer = (value: string | undefined, name: string): number | undefined => {
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d{1,9}$/.test(value)) throw ScimErrors.SCIM_INVALID_VALUE(`${name} must be an integer`);
    return Number(value);
  };
  // Values below 1 (startIndex) or 0 (count) are read as those, as the RFC says.
  return {
    startIndex: Math.max(1, integer(startIndex, 'startIndex') ?? 1),
    count: Math.min(MAX_COUNT, Math.max(0, integer(count, 'count') ?? DEFAULT_COUNT)),
  };
}

export function readFilter(filter: string | undefined): FilterNode | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  return scimCore(() => parseFilter(filter));
}

/** A list answer (RFC 7644 §3.4.2). */
export function listResponse(total: number, page: ScimPage, resources: unknown[]): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: total,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
