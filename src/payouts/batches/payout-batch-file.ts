import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { BankAccountsService, PayoutAccount } from '../bank-accounts.service';
import { nachaPpdFile } from '../files/nacha-ppd';
import { sepaCreditTransfer } from '../files/sepa-credit-transfer';
import { PayoutErrors } from '../payouts.errors';
import { PayoutSettings } from '../settings/payout-settings.repository';
import { PayoutSettingsRepository } from '../settings/payout-settings.repository';
import { PayoutBatchesRepository, StoredBatch, StoredLine } from './payout-batches.repository';

export interface PayoutFile {
  filename: string;
  contentType: string;
  content: string;
}

const EXPORTABLE = ['open', 'exported'];
const compact = (uuid: string) => uuid.replace(/-/g, '');

/**
 * The bank file of a batch: pain.001.001.09 XML for a SEPA (EUR) batch, a NACHA PPD file for an
 * ACH (USD) one, built from the payees' bank details opened for it and never logged or stored.
 * The first download moves the batch to `exported`; every download is audited (without the
 * numbers), since the file is what a bank pays from.
 */
@Injectable()
export class PayoutBatchFile {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly batches: PayoutBatchesRepository,
    private readonly settings: PayoutSettingsRepository,
    private readonly bankAccounts: BankAccountsService,
    private readonly audit: AuditService,
  ) {}

  async export(actor: Actor, id: string): Promise<PayoutFile> {
    const batch = await this.batches.find(actor.organizationId, id);
    if (!batch) throw PayoutErrors.PAYOUT_BATCH_NOT_FOUND(`Payout batch ${id} does not exist`);
    assertExportable(batch);
    // Everything the file needs is read before the transaction, which only records the export.
    const settings = await this.settings.find(null, actor.organizationId);
    const lines = (await this.batches.lines(null, actor.organizationId, id)).filter((l) => l.status === 'pending');
    const accounts = await this.bankAccounts.openForPayout(actor.organizationId, [
      ...new Set(lines.map((l) => l.payeeUserId)),
    ]);
    const file = build(batch, lines, settings, accounts, new Date());
    await this.dataSource.transaction(async (tx) => {
      const locked = await this.batches.lock(tx, actor.organizationId, id);
      assertExportable(locked!);
      if (locked!.status === 'open') await this.batches.markExported(tx, actor.organizationId, id, actor.userId);
      await this.audit.record(tx, actor, {
        action: 'payout_batch.exported',
        entityType: 'payout_batch',
        entityId: id,
        metadata: {
          rail: batch.rail,
          filename: file.filename,
          line_count: lines.length,
          first: locked!.status === 'open',
        },
      });
    });
    return file;
  }
}

function assertExportable(batch: StoredBatch): void {
  if (!EXPORTABLE.includes(batch.status))
    throw PayoutErrors.PAYOUT_BATCH_NOT_EXPORTABLE(
      `Payout batch ${batch.id} is ${batch.status}; it has no file any more`,
    );
}

function build(
  batch: StoredBatch,
  lines: StoredLine[],
  settings: PayoutSettings,
  accounts: Map<string, PayoutAccount>,
  now: Date,
): PayoutFile {
  const kind = batch.rail === 'sepa' ? 'iban' : 'us_ach';
  const without = [...new Set(lines.map((l) => l.payeeUserId))].filter((p) => accounts.get(p)?.kind !== kind);
  if (without.length > 0)
    throw PayoutErrors.PAYEE_BANK_DETAILS_MISSING(
      `Payees without ${kind === 'iban' ? 'an IBAN' : 'a US ACH account'} on file any more: ${without.join(', ')}; fix their details or cancel the batch`,
      { body: { payees: without.map((user_id) => ({ user_id, bank_account: accounts.get(user_id)?.kind ?? null })) } },
    );
  const account = (l: StoredLine) => accounts.get(l.payeeUserId)!;
  const stamp = now.toISOString().slice(0, 10);
  if (batch.rail === 'sepa') {
    if (!settings.sepa)
      throw PayoutErrors.PAYOUT_SETTINGS_MISSING('Set the SEPA debtor in PUT /organization/payout-settings first');
    return {
      filename: `payout-${batch.id}-${stamp}.xml`,
      contentType: 'application/xml; charset=utf-8',
      content: sepaCreditTransfer({
        messageId: compact(batch.id),
        createdAt: now,
        executionDate: batch.executionDate,
        debtor: { name: settings.sepa.debtorName, iban: settings.sepa.iban, bic: settings.sepa.bic },
        transfers: lines.map((l) => ({
          endToEndId: compact(l.id),
          amountMinor: l.amountMinor,
          creditorName: account(l).holderName,
          creditorIban: account(l).accountNumber,
          creditorBic: account(l).bankCode,
          remittance: [batch.reference, l.description].filter(Boolean).join(' ') || null,
        })),
      }),
    };
  }
  if (!settings.nacha)
    throw PayoutErrors.PAYOUT_SETTINGS_MISSING('Set the NACHA originator in PUT /organization/payout-settings first');
  return {
    filename: `payout-${batch.id}-${stamp}.ach`,
    contentType: 'text/plain; charset=us-ascii',
    content: nachaPpdFile({
      originator: settings.nacha,
      effectiveDate: batch.executionDate,
      createdAt: now,
      entryDescription: 'REIMBURSE',
      referenceCode: compact(batch.id).slice(0, 8).toUpperCase(),
      credits: lines.map((l) => ({
        routingNumber: account(l).bankCode,
        accountNumber: account(l).accountNumber,
        accountType: account(l).accountType ?? 'checking',
        amountCents: l.amountMinor,
        individualId: compact(l.id).slice(0, 15).toUpperCase(),
        individualName: account(l).holderName,
      })),
    }),
  };
}
