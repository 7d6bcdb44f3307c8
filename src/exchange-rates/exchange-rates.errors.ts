import { defineErrors } from '../common/errors/domain-error';

export const ExchangeRateErrors = defineErrors({
  EXCHANGE_RATE_MISSING: { status: 422, title: 'Exchange rate missing' },
  SAME_AS_BASE_CURRENCY: { status: 422, title: 'Rate for the base currency itself' },
  INVALID_RATES_CSV: { status: 422, title: 'Invalid exchange-rate CSV' },
});
