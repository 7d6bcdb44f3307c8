import type { TagObject } from '@nestjs/swagger';

/** The document's global tags, in the order Swagger UI shows them; every operation's tag is one of these. */
export const API_TAGS: TagObject[] = [
  { name: 'Auth', description: 'Log in, refresh and log out: access and refresh tokens' },
  { name: 'Users', description: "The caller's own account: profile and password" },
  { name: 'Admin: users', description: "Admins manage the organization's people: roles, managers, deactivation" },
  { name: 'Teams', description: 'Teams, their leads and members' },
  { name: 'Organization', description: 'The organization: name, base currency, settings, identity-provider secret' },
  { name: 'API keys', description: 'Organization API keys for integrations: scopes, expiry, revocation' },
  { name: 'Categories', description: 'Spend categories' },
  { name: 'Vendors', description: 'Vendors spends are paid to' },
  { name: 'Mileage rates', description: 'What the organization pays per km or mile, by vehicle type and date range' },
  {
    name: 'Per diem rates',
    description: 'What the organization pays per day of a trip, by country or city and date range, less meals provided',
  },
  { name: 'Exchange rates', description: 'Daily rates into the base currency, used to convert spends' },
  { name: 'Policies', description: 'Versioned rule sets that decide approvals, blocks and flags' },
  {
    name: 'Budgets',
    description: 'Amounts per period for the organization, a team, a category or a user, with what spends consumed',
  },
  { name: 'Spends', description: 'Expenses: create, edit, submit, cancel, pay; policy simulation' },
  { name: 'Advances', description: 'Cash advances: request, approval through the approvals routes, payout' },
  {
    name: 'Expense reports',
    description: 'Trips: spends grouped, submitted and approved as a whole; line rejections, summaries, exports',
  },
  { name: 'Receipts', description: 'Receipt files and what OCR read from them' },
  { name: 'Approvals', description: 'Approval steps assigned to the caller, and decisions on them' },
  {
    name: 'Approval delegations',
    description: "Handing one's approvals to another manager for a date range: one's own, or an admin for someone",
  },
  {
    name: 'Approval SLA',
    description: "The organization's approval reminders, escalation to the approver's manager and auto-reject",
  },
  { name: 'Notifications', description: 'In-app notifications of the caller' },
  { name: 'Audit log', description: 'The hash-chained log of every change, and its verification' },
  { name: 'Reports', description: 'Summaries, dashboard and exports in the base currency' },
  {
    name: 'Stored reports',
    description: 'Reports and exports built in the background, kept for download for REPORT_RETENTION_HOURS',
  },
  {
    name: 'Payouts',
    description:
      'Payee bank details (sealed, answered masked); payout settings; payout batches of approved items, exported as SEPA pain.001 (EUR) or NACHA PPD (USD) files and marked paid',
  },
  { name: 'Webhooks', description: 'Outbound webhook subscriptions and deliveries; inbound identity-provider events' },
  {
    name: 'Operator',
    description: "The installation's operator: log in, create, list, suspend and resume organizations",
  },
  {
    name: 'SCIM',
    description:
      'SCIM 2.0 provisioning for identity providers (an API key with the scim scope; SCIM errors, not problem+json), and its admin settings',
  },
  { name: 'Health', description: 'Liveness and readiness of the installation' },
];
