import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CatalogService } from '../../catalog/catalog.service';
import { CATEGORIES, VENDORS } from '../../catalog/catalog-kind';
import { addDays, todayUtc } from '../../common/dates';
import { CommonErrors } from '../../common/errors/common.errors';
import { convert, formatRate, MoneyError, parseAmount } from '../../common/money/money';
import { ExchangeRatesService } from '../../exchange-rates/exchange-rates.service';
import { OrganizationsService } from '../../organizations/organizations.service';
import { TeamsRepository } from '../../users/teams.repository';
import { CreateSpendDto } from '../dto/spend-input.dto';
import { Spend } from '../spend.entity';
import { SpendErrors } from '../spends.errors';

/** Spends may be dated a day ahead (time zones), never later. */
const MAX_DAYS_AHEAD = 1;

/**
 * Applies the client's fields to a spend: checks what they reference, and converts the amount
 * into the organization's base currency at the rate of the spend's date.
 */
@Injectable()
export class SpendFields {
  constructor(
    private readonly catalog: CatalogService,
    private readonly teams: TeamsRepository,
    private readonly organizations: OrganizationsService,
    private readonly rates: ExchangeRatesService,
  ) {}

  async apply(tx: EntityManager, spend: Spend, fields: Partial<CreateSpendDto>): Promise<void> {
    const organizationId = spend.organizationId;
    if (fields.spend_date !== undefined && fields.spend_date > addDays(todayUtc(), MAX_DAYS_AHEAD)) {
      throw CommonErrors.VALIDATION_FAILED(`spend_date ${fields.spend_date} is in the future`, { errors: [{ field: 'spend_date', message: 'cannot be in the future' }] });
    }
    if (fields.category_id && !(await this.catalog.findActive(CATEGORIES, organizationId, fields.category_id, tx))) {
      throw reference('category_id', 'an active category');
    }
    if (fields.vendor_id && !(await this.catalog.findActive(VENDORS, organizationId, fields.vendor_id, tx))) {
      throw reference('vendor_id', 'an active vendor');
    }
    if (fields.team_id && !(await this.teams.findById(organizationId, fields.team_id, tx))) {
      throw reference('team_id', 'a team');
    }
    for (const [field, property] of [['category_id', 'categoryId'], ['vendor_id', 'vendorId'], ['team_id', 'teamId'], ['merchant', 'merchant'], ['description', 'description'], ['source', 'source'], ['spend_date', 'spendDate']] as const) {
      if (fields[field] !== undefined) (spend as unknown as Record<string, unknown>)[property] = fields[field];
    }
    if (fields.currency !== undefined && fields.amount === undefined) {
      throw CommonErrors.VALIDATION_FAILED('Send amount together with currency', { errors: [{ field: 'amount', message: 'is required when currency changes' }] });
    }
    if (fields.amount !== undefined) {
      const currency = fields.currency ?? spend.currency;
      try {
        spend.amountMinor = parseAmount(fields.amount, currency).toString();
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        throw SpendErrors.INVALID_AMOUNT(`amount: ${error.message}`, { errors: [{ field: 'amount', message: error.message }] });
      }
      spend.currency = currency;
    }
    await this.convert(tx, spend);
  }

  /** Recomputes base_amount from amount, currency and spend_date. */
  async convert(tx: EntityManager, spend: Spend): Promise<void> {
    const baseCurrency = await this.organizations.baseCurrency(tx, spend.organizationId);
    const { rate } = await this.rates.rateFor(tx, spend.organizationId, spend.currency, baseCurrency, spend.spendDate);
    spend.baseCurrency = baseCurrency;
    spend.exchangeRate = formatRate(rate);
    spend.baseAmountMinor = convert(BigInt(spend.amountMinor), spend.currency, baseCurrency, rate).toString();
  }
}

function reference(field: string, what: string) {
  return SpendErrors.INVALID_REFERENCE(`${field} must name ${what} of this organization`, { errors: [{ field, message: `must name ${what} of this organization` }] });
}
