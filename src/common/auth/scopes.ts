/**
 * The scopes an organization API key can hold: the one closed list, which the key DTOs
 * validate against, `@Authenticated({ scope })` names routes by, and docs/integrations-api-keys.md
 * tabulates (test/api-keys.e2e-spec.ts checks the table against this list). A route that names
 * no scope refuses every API key.
 */
export const API_KEY_SCOPES = [
  'spends:read',
  'spends:write',
  'advances:read',
  'receipts:write',
  'reports:read',
  'audit:read',
  'webhooks:manage',
  'policies:read',
  'users:read',
  'scim',
] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What each scope lets a key do, for the OpenAPI document and the docs' table. */
export const SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  'spends:read': 'List and read spends, their receipts and receipt files, and the catalog (categories, vendors, …)',
  'spends:write': 'Create, update, submit and cancel spends (never approve or pay them)',
  'advances:read': 'List and read cash advances and their approval steps',
  'receipts:write': 'Upload receipts to spends and have them read again',
  'reports:read':
    'Summaries, dashboards, report exports (also queued and stored: POST /reports), the chart, and reading budgets',
  'audit:read': 'List, verify and export the audit log',
  'webhooks:manage': 'Create, change, delete and inspect webhook subscriptions and their deliveries',
  'policies:read': 'List and read policies, simulate them against a spend, and backtest a draft over past spends',
  'users:read': "List and read the organization's users and teams",
  scim: 'SCIM 2.0 provisioning of users and groups (/scim/v2)',
};

export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return typeof value === 'string' && (API_KEY_SCOPES as readonly string[]).includes(value);
}
