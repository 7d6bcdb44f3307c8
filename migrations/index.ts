import { Foundation1732320000000 } from './1732320000000-Foundation';
import { SpendsPoliciesApprovals1732406400000 } from './1732406400000-SpendsPoliciesApprovals';
import { OutboxDelivery1732492800000 } from './1732492800000-OutboxDelivery';
import { Receipts1732579200000 } from './1732579200000-Receipts';
import { AuditLogApi1732665600000 } from './1732665600000-AuditLogApi';
import { Notifications1732752000000 } from './1732752000000-Notifications';
import { Reports1732924800000 } from './1732924800000-Reports';
import { Webhooks1733011200000 } from './1733011200000-Webhooks';
import { AuditChainHead1733097600000 } from './1733097600000-AuditChainHead';
import { Housekeeping1733184000000 } from './1733184000000-Housekeeping';
import { OcrErrorCodes1733270400000 } from './1733270400000-OcrErrorCodes';
import { SessionRevocation1733443200000 } from './1733443200000-SessionRevocation';
import { LoginAttempts1733443200001 } from './1733443200001-LoginAttempts';
import { MustChangePassword1733443200002 } from './1733443200002-MustChangePassword';
import { EmailPerOrganization1733443200003 } from './1733443200003-EmailPerOrganization';
import { WebhookSecretsAtRest1733529600000 } from './1733529600000-WebhookSecretsAtRest';
import { IdentityProviderPerOrganization1733529700000 } from './1733529700000-IdentityProviderPerOrganization';
import { AuditKey1733616000000 } from './1733616000000-AuditKey';
import { OpenIdConnect1733788800000 } from './1733788800000-OpenIdConnect';
import { ApiKeys1733788800100 } from './1733788800100-ApiKeys';
import { MfaAndPasswordReset1733788800200 } from './1733788800200-MfaAndPasswordReset';
import { AccountantRole1733788800300 } from './1733788800300-AccountantRole';
import { Operators1733788800400 } from './1733788800400-Operators';
import { ScimProvisioning1733788800500 } from './1733788800500-ScimProvisioning';
import { ApprovalSubjects1733875200000 } from './1733875200000-ApprovalSubjects';
import { MileageRates1733875200200 } from './1733875200200-MileageRates';
import { MileageSpends1733875200201 } from './1733875200201-MileageSpends';
import { PayeeBankAccounts1733875200300 } from './1733875200300-PayeeBankAccounts';
import { ExpenseReports1733875200400 } from './1733875200400-ExpenseReports';
import { PerDiemRates1733875200500 } from './1733875200500-PerDiemRates';
import { PerDiemSpends1733875200501 } from './1733875200501-PerDiemSpends';
import { PayoutBatches1733875200600 } from './1733875200600-PayoutBatches';
import { Advances1733875200700 } from './1733875200700-Advances';
import { AdvanceNotifications1733875200701 } from './1733875200701-AdvanceNotifications';
import { AdvanceReportLinks1733875200800 } from './1733875200800-AdvanceReportLinks';
import { ExpenseReportPayouts1733875200900 } from './1733875200900-ExpenseReportPayouts';
import { ApprovalDelegations1733961600000 } from './1733961600000-ApprovalDelegations';
import { ApprovalSla1733961600100 } from './1733961600100-ApprovalSla';
import { Budgets1733961600200 } from './1733961600200-Budgets';
import { RateLimits1733961600300 } from './1733961600300-RateLimits';
import { StoredReports1733961600400 } from './1733961600400-StoredReports';
import { ApprovalSlaClocks1733961600600 } from './1733961600600-ApprovalSlaClocks';
import { SpendsCountedCoveringIndex1733961600650 } from './1733961600650-SpendsCountedCoveringIndex';
import { OutboxTraceParent1733961600700 } from './1733961600700-OutboxTraceParent';

/** Every migration, oldest first. Listed explicitly so that no glob can silently find none. */
export const MIGRATIONS = [
  Foundation1732320000000,
  SpendsPoliciesApprovals1732406400000,
  OutboxDelivery1732492800000,
  Receipts1732579200000,
  AuditLogApi1732665600000,
  Notifications1732752000000,
  Reports1732924800000,
  Webhooks1733011200000,
  AuditChainHead1733097600000,
  Housekeeping1733184000000,
  OcrErrorCodes1733270400000,
  SessionRevocation1733443200000,
  LoginAttempts1733443200001,
  MustChangePassword1733443200002,
  EmailPerOrganization1733443200003,
  WebhookSecretsAtRest1733529600000,
  IdentityProviderPerOrganization1733529700000,
  AuditKey1733616000000,
  OpenIdConnect1733788800000,
  ApiKeys1733788800100,
  MfaAndPasswordReset1733788800200,
  AccountantRole1733788800300,
  Operators1733788800400,
  ScimProvisioning1733788800500,
  ApprovalSubjects1733875200000,
  MileageRates1733875200200,
  MileageSpends1733875200201,
  PayeeBankAccounts1733875200300,
  ExpenseReports1733875200400,
  PerDiemRates1733875200500,
  PerDiemSpends1733875200501,
  PayoutBatches1733875200600,
  Advances1733875200700,
  AdvanceNotifications1733875200701,
  AdvanceReportLinks1733875200800,
  ExpenseReportPayouts1733875200900,
  ApprovalDelegations1733961600000,
  ApprovalSla1733961600100,
  Budgets1733961600200,
  RateLimits1733961600300,
  StoredReports1733961600400,
  ApprovalSlaClocks1733961600600,
  SpendsCountedCoveringIndex1733961600650,
  OutboxTraceParent1733961600700,
];
