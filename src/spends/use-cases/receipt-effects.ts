import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { diff } from '../../common/changes';
import { MoneyError, parseAmount } from '../../common/money/money';
import { Spend } from '../spend.entity';
import { SpendErrors } from '../spends.errors';
import { SpendsRepository } from '../spends.repository';
import { Reevaluation } from './reevaluation';

/** What OCR read off a receipt, as far as the spend cares. */
export interface ReceiptReading {
  merchant: string | null;
  date: string | null;
  total: string | null;
  currency: string | null;
}

export interface ReadingOutcome {
  /** Total and date agree with the spend. */
  verified: boolean;
  /** A total was read and it differs from the spend's amount (or is in another currency). */
  amountMismatch: boolean;
  /** Spend fields filled from the receipt (drafts only). */
  filled: string[];
}

const MERCHANT_MAX = 200;

/** What receipts do to their spend: count, flag, fill, verify, and re-run the policies. */
@Injectable()
export class ReceiptEffects {
  constructor(
    private readonly spends: SpendsRepository,
    private readonly reevaluation: Reevaluation,
    private readonly audit: AuditService,
  ) {}

  /** In the upload's transaction: the spend takes one more receipt. */
  async attach(tx: EntityManager, actor: Actor, spendId: string, options: { duplicate: boolean }): Promise<Spend> {
    const spend = await this.spends.lockById(tx, actor.organizationId, spendId);
    if (!spend) throw SpendErrors.SPEND_NOT_FOUND(`Spend ${spendId} does not exist`);
    if (spend.status === 'cancelled') throw SpendErrors.SPEND_CLOSED('A cancelled spend takes no receipts');
    spend.receiptCount += 1;
    if (options.duplicate) setFlag(spend, 'duplicate_receipt', true);
    await this.spends.saveReceiptState(tx, spend);
    return spend;
  }

  /**
   * In the OCR job's transaction: compares the reading with the spend, fills a draft's empty
   * merchant, sets or clears `amount_mismatch`, marks the spend's receipt verified, and runs
   * the policies again over a pending spend.
   */
  async applyReading(
    tx: EntityManager,
    actor: SystemActor,
    spendId: string,
    reading: ReceiptReading | null,
    otherReceiptVerified: boolean,
  ): Promise<ReadingOutcome> {
    const spend = await this.spends.lockById(tx, actor.organizationId, spendId);
    if (!spend) throw new Error(`Spend ${spendId} of a receipt is missing`);
    const before = { ...spend };
    const outcome = compare(spend, reading);
    if (reading?.total !== null && reading?.total !== undefined)
      setFlag(spend, 'amount_mismatch', outcome.amountMismatch);
    if (spend.status === 'draft' && !spend.merchant && reading?.merchant) {
      spend.merchant = reading.merchant.slice(0, MERCHANT_MAX);
      outcome.filled.push('merchant');
    }
    spend.receiptVerified = outcome.verified || otherReceiptVerified;
    await this.spends.saveReceiptState(tx, spend);
    const changes = diff(before, spend, ['merchant', 'receiptVerified', 'systemFlags']);
    if (Object.keys(changes).length > 0) {
      await this.audit.record(tx, actor, {
        action: 'spend.receipt_applied',
        entityType: 'spend',
        entityId: spend.id,
        metadata: { changes },
      });
    }
    await this.reevaluation.run(tx, actor, spend, 'receipt read');
    return outcome;
  }
}

function compare(spend: Spend, reading: ReceiptReading | null): ReadingOutcome {
  if (!reading?.total) return { verified: false, amountMismatch: false, filled: [] };
  const currency = reading.currency ?? spend.currency;
  let amountAgrees = false;
  if (currency === spend.currency) {
    try {
      amountAgrees = parseAmount(reading.total, currency).toString() === spend.amountMinor;
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
    }
  }
  return { verified: amountAgrees && reading.date === spend.spendDate, amountMismatch: !amountAgrees, filled: [] };
}

/** System flags, and the spend's visible flags with them. */
function setFlag(spend: Spend, flag: string, on: boolean): void {
  const apply = (flags: string[]) => [...new Set(on ? [...flags, flag] : flags.filter((f) => f !== flag))].sort();
  spend.systemFlags = apply(spend.systemFlags);
  spend.flags = apply(spend.flags);
}
