import type { Response } from 'express';
import { CommonErrors } from '../common/errors/common.errors';
import { DomainError, defineErrors } from '../common/errors/domain-error';
import { TeamErrors, UserErrors } from '../users/users.errors';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * The SCIM routes' own failures. On /scim/v2 they are written as RFC 7644 §3.12 errors (see
 * writeScimError), not problem+json; the code stays the key of each.
 */
export const ScimErrors = defineErrors({
  SCIM_INVALID_FILTER: { status: 400, title: 'The filter is not one Spendin supports' },
  SCIM_INVALID_SYNTAX: { status: 400, title: 'The request is not a valid SCIM message' },
  SCIM_INVALID_PATH: { status: 400, title: 'The attribute path is not valid' },
  SCIM_NO_TARGET: { status: 400, title: 'The path names no value' },
  SCIM_INVALID_VALUE: { status: 400, title: 'A value is missing or not valid' },
  SCIM_MUTABILITY: { status: 400, title: 'The attribute cannot be changed' },
  SCIM_UNIQUENESS: { status: 409, title: 'The value is already in use' },
  SCIM_USER_NOT_FOUND: { status: 404, title: 'User not found' },
  SCIM_GROUP_NOT_FOUND: { status: 404, title: 'Group not found' },
  SCIM_RESOURCE_NOT_FOUND: { status: 404, title: 'Resource not found' },
});

/** The admin's group-mapping settings (problem+json, like every other admin route). */
export const ScimMappingErrors = defineErrors({
  SCIM_MAPPING_TEAM_NOT_FOUND: { status: 422, title: 'Team not found in this organization' },
  SCIM_MAPPING_DUPLICATE: { status: 422, title: 'A group is mapped twice' },
  SCIM_MAPPING_EMPTY: { status: 422, title: 'A group mapping names neither a team nor a role' },
});

/** RFC 7644 §3.12 `scimType` of each code that has one. */
const SCIM_TYPES: Record<string, string> = {
  [ScimErrors.SCIM_INVALID_FILTER.code]: 'invalidFilter',
  [ScimErrors.SCIM_INVALID_SYNTAX.code]: 'invalidSyntax',
  [ScimErrors.SCIM_INVALID_PATH.code]: 'invalidPath',
  [ScimErrors.SCIM_NO_TARGET.code]: 'noTarget',
  [ScimErrors.SCIM_INVALID_VALUE.code]: 'invalidValue',
  [ScimErrors.SCIM_MUTABILITY.code]: 'mutability',
  [ScimErrors.SCIM_UNIQUENESS.code]: 'uniqueness',
  [UserErrors.EMAIL_TAKEN.code]: 'uniqueness',
  [UserErrors.EXTERNAL_ID_TAKEN.code]: 'uniqueness',
  [TeamErrors.TEAM_NAME_TAKEN.code]: 'uniqueness',
  [CommonErrors.MALFORMED_JSON.code]: 'invalidSyntax',
  [CommonErrors.UNSUPPORTED_CONTENT_TYPE.code]: 'invalidSyntax',
  [CommonErrors.VALIDATION_FAILED.code]: 'invalidValue',
  [CommonErrors.BAD_REQUEST.code]: 'invalidSyntax',
};

/** What a SCIM client is answered for an error: status as a string, scimType where one fits. */
export function scimErrorBody(error: DomainError): { status: number; body: Record<string, unknown> } {
  // SCIM has no 422: a value the validator refuses is the client's 400 invalidValue.
  const status = error.status === 422 ? 400 : error.status;
  const scimType = SCIM_TYPES[error.code];
  const fields = (error.extras.errors ?? []).slice(0, 5).map((e) => `${e.field} ${e.message}`);
  const detail = [error.detail ?? error.kind.title, ...fields].join('; ');
  return {
    status,
    body: { schemas: [SCIM_ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail },
  };
}

/** The ErrorWriter of /scim/v2 (registered with ErrorFormats by ScimModule). */
/** The request id is on the response already (X-Request-Id); SCIM's error body has no place for it. */
export function writeScimError(response: Response, error: DomainError): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const { status, body } = scimErrorBody(error);
  for (const [name, value] of Object.entries(error.extras.headers ?? {})) response.setHeader(name, value);
  response.status(status).type(SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}
