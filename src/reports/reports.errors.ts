import { defineErrors } from '../common/errors/domain-error';

export const ReportErrors = defineErrors({
  EXPORT_TOO_LARGE: { status: 422, title: 'Too many spends for one spreadsheet' },
});
