import { defineErrors } from './domain-error';

/** Problems that belong to no single module: transport, validation, auth, limits. */
export const CommonErrors = defineErrors({
  VALIDATION_FAILED: { status: 422, title: 'Validation failed' },
  MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  UNSUPPORTED_CONTENT_TYPE: { status: 400, title: 'Unsupported content type' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  FILE_TOO_LARGE: { status: 413, title: 'File too large' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  AUTHENTICATION_REQUIRED: { status: 401, title: 'Authentication required' },
  INVALID_TOKEN: { status: 401, title: 'Invalid access token' },
  TOKEN_EXPIRED: { status: 401, title: 'Access token expired' },
  API_KEY_REVOKED: { status: 401, title: 'API key revoked' },
  API_KEY_EXPIRED: { status: 401, title: 'API key expired' },
  API_KEY_CREATOR_INACTIVE: { status: 401, title: "API key's creator is no longer an active admin" },
  INSUFFICIENT_PERMISSIONS: { status: 403, title: 'Insufficient permissions' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'Insufficient scope' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Password change required' },
  MFA_ENROLMENT_REQUIRED: { status: 403, title: 'MFA enrolment required' },
  // 403, not 401: the credential is fine, and works again once the operator resumes the organization.
  ORGANIZATION_SUSPENDED: { status: 403, title: 'Organization suspended' },
  ROUTE_NOT_FOUND: { status: 404, title: 'Route not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  CONCURRENT_UPDATE: { status: 409, title: 'Concurrent update' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
  INVALID_CURSOR: { status: 422, title: 'Invalid cursor' },
});
