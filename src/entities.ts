import { Approval } from './approvals/approval.entity';
import { AuditEntry } from './audit/audit-entry.entity';
import { RefreshToken } from './sessions/refresh-token.entity';
import { Category, Vendor } from './catalog/catalog-item.entity';
import { ExchangeRate } from './exchange-rates/exchange-rate.entity';
import { ExpenseReport } from './expense-reports/expense-report.entity';
import { Notification } from './notifications/notification.entity';
import { Organization } from './organizations/organization.entity';
import { Policy, PolicyVersion } from './policies/policy.entity';
import { Receipt } from './receipts/receipt.entity';
import { Spend } from './spends/spend.entity';
import { TeamMember } from './users/team-member.entity';
import { Team } from './users/team.entity';
import { User } from './users/user.entity';
import { WebhookDelivery, WebhookSubscription } from './webhooks/webhook.entities';

/**
 * Every entity, listed explicitly (as the migrations are). Collected here, at the composition
 * root beside app.module.ts, because they belong to a dozen modules: the database layer below
 * them takes the list as an argument (DatabaseModule.forRoot, dataSourceOptions) and imports none.
 */
export const ENTITIES = [
  Organization,
  User,
  Team,
  TeamMember,
  Category,
  Vendor,
  RefreshToken,
  AuditEntry,
  ExchangeRate,
  Policy,
  PolicyVersion,
  Spend,
  ExpenseReport,
  Approval,
  Receipt,
  Notification,
  WebhookSubscription,
  WebhookDelivery,
];
