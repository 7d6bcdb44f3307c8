import { defineErrors } from '../common/errors/domain-error';

export const AdvanceErrors = defineErrors({
  ADVANCE_NOT_FOUND: { status: 404, title: 'Advance not found' },
  NOT_ADVANCE_OWNER: { status: 403, title: "Only the advance's owner may do this" },
  ADVANCE_SELF_PAYMENT_FORBIDDEN: { status: 403, title: 'Nobody pays out their own advance' },
  ADVANCE_NOT_CANCELLABLE: { status: 409, title: 'Advance cannot be cancelled in its status' },
  ADVANCE_NOT_PAYABLE: { status: 409, title: 'Only approved advances can be paid' },
  ADVANCE_ALREADY_PAID: { status: 409, title: 'Advance already paid' },
  ADVANCE_BLOCKED_BY_POLICY: { status: 422, title: 'A policy refuses this advance' },
  ADVANCE_REPORT_NOT_FOUND: { status: 404, title: 'Not one of your expense reports' },
  ADVANCE_REPORT_CLOSED: { status: 409, title: 'The expense report takes no more advances' },
});
