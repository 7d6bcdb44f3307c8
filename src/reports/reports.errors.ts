import { defineErrors } from '../common/errors/domain-error';

export const ReportErrors = defineErrors({
  EXPORT_TOO_LARGE: { status: 422, title: 'Too many spends for one spreadsheet' },
  STORED_REPORT_NOT_FOUND: { status: 404, title: 'Stored report not found' },
  STORED_REPORT_NOT_READY: { status: 409, title: 'Stored report not ready' },
  STORED_REPORT_EXPIRED: { status: 410, title: 'Stored report expired' },
  STORED_REPORT_FILE_UNAVAILABLE: { status: 503, title: 'Stored report file unavailable' },
});
