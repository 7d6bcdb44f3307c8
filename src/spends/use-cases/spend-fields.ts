import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CatalogService } from '../../catalog/catalog.service';
import { CATEGORIES, VENDORS } from '../../catalog/catalog-kind';
import { addDays, todayUtc } from '../../common/dates';
import { CommonErrors } from '../../common/errors/common.errors';
import { convert, formatRate, MoneyError, parseAmount } from '../../common/money/money';
import { ExchangeRatesService } from '../../exchange-rates/exchange-rates.service';
import { OrganizationsService } from '../../organizations/organizations.service';
import { Directory } from '../../users/directory';
import { CreateSpendDto, RecodeSpendDto } from '../dto/spend-input.dto';
import { isComputedSource, Spend } from '../spend.entity';
import { SpendErrors } from '../spends.errors';
import { ComputedPricing } from './computed-pricing';

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
    private readonly directory: Directory,
    private readonly organizations: OrganizationsService,
    private readonly rates: ExchangeRatesService,
    private readonly computed: ComputedPricing,
  ) {}

  async apply(tx: EntityManager, spend: Spend, fields: Partial<CreateSpendDto>): Promise<void> {
    const organizationId = spend.organizationId;
    if (fields.spend_date !== undefined && fields.spend_date > addDays(todayUtc(), MAX_DAYS_AHEAD)) {
      throw CommonErrors.VALIDATION_FAILED(`spend_date ${fields.spend_date} is in the future`, {
        errors: [{ field: 'spend_date', message: 'cannot be in the future' }],
      });
    }
    if (fields.category_id && !(await this.catalog.findActive(CATEGORIES, organizationId, fields.category_id, tx))) {
      throw reference('category_id', 'an active category');
    }
    if (fields.vendor_id && !(await this.catalog.findActive(VENDORS, organizationId, fields.vendor_id, tx))) {
      throw reference('vendor_id', 'an active vendor');
    }
    // A spend's team chooses its team-lead approver and who sees it: only a team its owner is in (or leads).
    if (fields.team_id && !(await this.directory.isMemberOrLead(organizationId, fields.team_id, spend.userId, tx))) {
      throw reference('team_id', 'a team', "that the spend's owner belongs to");
    }
    for (const [field, property] of [
      ['category_id', 'categoryId'],
      ['vendor_id', 'vendorId'],
      ['team_id', 'teamId'],
      ['merchant', 'merchant'],
      ['description', 'description'],
      ['source', 'source'],
      ['spend_date', 'spendDate'],
    ] as const) {
      if (fields[field] !== undefined) (spend as unknown as Record<string, unknown>)[property] = fields[field];
    }
    if (isComputedSource(spend.source)) {
      await this.computed.apply(tx, spend, spend.source, fields);
      await this.convert(tx, spend);
      return;
    }
    for (const field of ['mileage', 'per_diem'] as const) {
      if (fields[field] !== undefined) {
        throw CommonErrors.VALIDATION_FAILED(`${field} is only for source ${field}`, {
          errors: [{ field, message: `is only accepted with source ${field}` }],
        });
      }
    }
    if (spend.computation) {
      // No longer a computed spend: its amount is the client's again.
      const was = spend.computation.kind;
      spend.computation = null;
      if (fields.amount === undefined) {
        throw CommonErrors.VALIDATION_FAILED('Send amount and currency when a spend stops being computed', {
          errors: [{ field: 'amount', message: `is required when source changes from ${was}` }],
        });
      }
    }
    if (fields.currency !== undefined && fields.amount === undefined) {
      throw CommonErrors.VALIDATION_FAILED('Send amount together with currency', {
        errors: [{ field: 'amount', message: 'is required when currency changes' }],
      });
    }
    if (fields.amount !== undefined) {
      const currency = fields.currency ?? spend.currency;
      let minor: bigint;
      try {
        minor = parseAmount(fields.amount, currency);
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        throw invalidAmount(error.message);
      }
      // The DTO checks this only when the currency comes with the amount (an edit may send the amount alone).
      if (minor <= 0n) throw invalidAmount('must be greater than 0');
      spend.amountMinor = minor.toString();
      spend.currency = currency;
    }
    await this.convert(tx, spend);
  }

  /**
   * Only the accounting fields (category, vendor), checked as on create; the amounts, their rate
   * and the approvals stay as they are.
   */
  async applyCoding(tx: EntityManager, spend: Spend, fields: RecodeSpendDto): Promise<void> {
    if (
      fields.category_id &&
      !(await this.catalog.findActive(CATEGORIES, spend.organizationId, fields.category_id, tx))
    ) {
      throw reference('category_id', 'an active category');
    }
    if (fields.vendor_id && !(await this.catalog.findActive(VENDORS, spend.organizationId, fields.vendor_id, tx))) {
      throw reference('vendor_id', 'an active vendor');
    }
    if (fields.category_id !== undefined) spend.categoryId = fields.category_id;
    if (fields.vendor_id !== undefined) spend.vendorId = fields.vendor_id;
  }

  /** Recomputes base_amount from amount, currency and spend_date. */
  async convert(tx: EntityManager, spend: Spend): Promise<void> {
    const baseCurrency = await this.organizations.baseCurrency(tx, spend.organizationId);
    const { rate } = await this.rates.rateFor(tx, spend.organizationId, spend.currency, baseCurrency, spend.spendDate);
    spend.baseCurrency = baseCurrency;
    spend.exchangeRate = formatRate(rate);
    const base = convert(BigInt(spend.amountMinor), spend.currency, baseCurrency, rate);
    // A huge amount at a huge rate (a currency with many units to the base's one) would not fit bigint.
    if (base > MAX_BIGINT)
      throw invalidAmount(
        `converted into ${baseCurrency} at ${formatRate(rate)}, it is larger than any expense Spendin accepts`,
      );
    spend.baseAmountMinor = base.toString();
  }
}

const MAX_BIGINT = 2n ** 63n - 1n;

function invalidAmount(message: string) {
  return SpendErrors.INVALID_AMOUNT(`amount: ${message}`, { errors: [{ field: 'amount', message }] });
}

function reference(field: string, what: string, where = 'of this organization') {
  return SpendErrors.INVALID_REFERENCE(`${field} must name ${what} ${where}`, {
    errors: [{ field, message: `must name ${what} ${where}` }],
  });
}
