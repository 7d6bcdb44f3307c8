import { Body, Controller, Get, Header, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import { RateLimited } from '../../common/rate-limit/rate-limit.decorator';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import type { Actor } from '../../common/auth/roles';
import { UuidParam } from '../../common/http/uuid-param';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { ExpenseReportErrors } from '../../expense-reports/expense-reports.errors';
import { SpendErrors } from '../../spends/spends.errors';
import {
  CancelPayoutBatchDto,
  CreatePayoutBatchDto,
  ListPayoutBatchesQuery,
  MarkPayoutBatchPaidDto,
  PayableItemResponseDto,
  PayableQuery,
  PayoutBatchDetailResponseDto,
  PayoutBatchResponseDto,
} from '../dto/payout-batch.dto';
import { PayoutErrors } from '../payouts.errors';
import { CreatePayoutBatch } from './create-payout-batch';
import { PayoutBatchFile } from './payout-batch-file';
import { PayoutBatchesService } from './payout-batches.service';
import { SettlePayoutBatch } from './settle-payout-batch';

const NOT_FOUND = [
  PayoutErrors.PAYOUT_BATCH_NOT_FOUND,
  'Payout batch 3f6e2d1c-9b8a-4e7f-8a6b-1c2d3e4f5a6b does not exist',
] as const;
const NO_BANK_DETAILS = [
  PayoutErrors.PAYEE_BANK_DETAILS_MISSING,
  '1 payee(s) have no IBAN on file for a sepa payout: 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
] as const;

/** Payout batches: approved, unpaid items gathered, exported as a bank file, marked paid. */
@ApiTags('Payouts')
@Controller('payout-batches')
export class PayoutBatchesController {
  constructor(
    private readonly reads: PayoutBatchesService,
    private readonly creation: CreatePayoutBatch,
    private readonly files: PayoutBatchFile,
    private readonly settlement: SettlePayoutBatch,
  ) {}

  @Get('payable')
  @Authenticated({ role: 'finance', accountant: true })
  @ApiOperation({
    summary: 'Approved items waiting to be paid',
    description:
      'Approved, unpaid items no open or exported batch holds, oldest first, with the kind of bank account each payee has on file (null: none yet). `item_type` picks spends (default; lines of expense reports are paid with their report) or `expense_report`: approved and partly approved reports with a balance, paid to their owner in the base currency, dated by `ends_on`. Filters: `payee_id`, `currency`, `from`/`to` on the item date.',
  })
  @ApiPageResponse(PayableItemResponseDto, 'One page of payable items')
  @ApiValidation()
  payable(@CurrentActor() actor: Actor, @Query() query: PayableQuery): Promise<Page<PayableItemResponseDto>> {
    return this.reads.payable(actor, query);
  }

  @Post()
  @Authenticated({ role: 'finance' })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a payout batch',
    description:
      'Finance and admins. Either `items` (explicit ids, `item_type` `spend` or `expense_report`) or a filter (`currency` required, `item_type`, `payee_id`, `from`, `to`: every payable match, oldest first, at most 500, the caller’s own left out). An expense report is one line: its balance, paid to its owner in the base currency. One currency per batch: EUR is paid by SEPA, USD by NACHA. Every payee needs a bank account of that rail. The items are reserved: they cannot be paid singly or put in another batch until this one is paid or cancelled. Audited `payout_batch.created`.',
  })
  @ApiCreatedResponse({ type: PayoutBatchDetailResponseDto })
  @ApiValidation()
  @ApiProblems(
    [SpendErrors.SPEND_NOT_FOUND, 'Spend 7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f does not exist'],
    [SpendErrors.SELF_PAYMENT_FORBIDDEN, 'Nobody marks their own spend paid; ask another finance user'],
    [SpendErrors.SPEND_NOT_PAYABLE, 'Only approved spends can be paid; 7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f is paid'],
    [
      SpendErrors.SPEND_IN_PAYOUT_BATCH,
      'Spend 7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f is already in an open payout batch (3f6e2d1c-9b8a-4e7f-8a6b-1c2d3e4f5a6b)',
    ],
    [
      SpendErrors.SPEND_IN_EXPENSE_REPORT,
      'Spend 7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f is a line of expense report 2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f; it is paid with its report',
    ],
    [
      ExpenseReportErrors.EXPENSE_REPORT_NOT_FOUND,
      'Expense report 2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f does not exist',
    ],
    [
      ExpenseReportErrors.EXPENSE_REPORT_SELF_PAYMENT_FORBIDDEN,
      'Nobody pays their own expense report; ask another finance user',
    ],
    [
      ExpenseReportErrors.EXPENSE_REPORT_NOT_PAYABLE,
      'Approved and partly approved expense reports can be paid; 2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f is paid',
    ],
    [
      ExpenseReportErrors.EXPENSE_REPORT_IN_PAYOUT_BATCH,
      'Expense report 2c1d0e9f-8a7b-4c6d-9e5f-4a3b2c1d0e9f is already in payout batch 3f6e2d1c-9b8a-4e7f-8a6b-1c2d3e4f5a6b',
    ],
    [PayoutErrors.PAYOUT_CURRENCY_UNSUPPORTED, 'Payouts are made in EUR (SEPA) or USD (NACHA), not GBP'],
    [PayoutErrors.PAYOUT_MIXED_CURRENCIES, 'A batch holds one currency; these items are in EUR, USD'],
    NO_BANK_DETAILS,
    [PayoutErrors.NOTHING_TO_PAY, 'No payable spend in EUR matches the filter'],
    [PayoutErrors.PAYOUT_AMOUNT_OUT_OF_RANGE, 'The total exceeds what one nacha file carries; split the batch'],
  )
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePayoutBatchDto): Promise<PayoutBatchDetailResponseDto> {
    return this.creation.create(actor, dto);
  }

  @Get()
  @Authenticated({ role: 'finance', accountant: true })
  @ApiOperation({ summary: 'List payout batches', description: 'Newest first; `status` filters.' })
  @ApiPageResponse(PayoutBatchResponseDto, 'One page of batches')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListPayoutBatchesQuery): Promise<Page<PayoutBatchResponseDto>> {
    return this.reads.list(actor, query);
  }

  @Get(':id')
  @Authenticated({ role: 'finance', accountant: true })
  @ApiOperation({
    summary: 'A payout batch with its lines',
    description:
      "Finance, admins and the accountant. Another organization's batch is 404, like one that does not exist.",
  })
  @ApiOkResponse({ type: PayoutBatchDetailResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<PayoutBatchDetailResponseDto> {
    return this.reads.get(actor, id);
  }

  @Get(':id/file')
  @RateLimited('exports')
  @Authenticated({ role: 'finance' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Download the batch's bank file",
    description:
      'Finance and admins. A SEPA batch is an ISO 20022 pain.001.001.09 credit transfer (application/xml, EPC SCT guidelines); a NACHA batch is a PPD file of credits (text/plain, 94-character records). Built from the payees’ bank details, unsealed for this answer only and never logged. The first download moves an open batch to exported; every download is audited `payout_batch.exported`.',
  })
  @ApiProduces('application/xml', 'text/plain')
  @ApiOkResponse({
    description: 'The file, as an attachment named `payout-<id>-<date>.xml` or `.ach`',
    content: {
      'application/xml': {
        schema: { type: 'string', format: 'binary' },
        example:
          '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">…',
      },
      'text/plain': {
        schema: { type: 'string', format: 'binary' },
        example: '101 0210000211234567890261203164 A094101JPMORGAN CHASE         ACME INC                3F6E2D1C',
      },
    },
  })
  @ApiInvalidId()
  @ApiProblems(
    NOT_FOUND,
    [
      PayoutErrors.PAYOUT_BATCH_NOT_EXPORTABLE,
      'Payout batch 3f6e2d1c-9b8a-4e7f-8a6b-1c2d3e4f5a6b is cancelled; it has no file any more',
    ],
    [PayoutErrors.PAYOUT_SETTINGS_MISSING, 'Set the SEPA debtor in PUT /organization/payout-settings first'],
    NO_BANK_DETAILS,
  )
  async file(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<StreamableFile> {
    const file = await this.files.export(actor, id);
    return new StreamableFile(Buffer.from(file.content, 'utf8'), {
      type: file.contentType,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Post(':id/paid')
  @HttpCode(200)
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: 'Mark an exported batch paid',
    description:
      'Finance and admins, never with one’s own item in it. In one transaction every line is paid (its spend `paid`, audited `spend.paid`, event `spend.paid`; an expense report `paid` with its approved lines, audited `expense_report.paid` and `spend.paid` per line) except `failed_lines`, whose items return to approved (audited `spend.payout_failed` or `expense_report.payout_failed`) and may be batched again. Audited `payout_batch.paid`; outbox and webhook event `payout.paid`.',
  })
  @ApiOkResponse({ type: PayoutBatchDetailResponseDto })
  @ApiInvalidId()
  @ApiValidation()
  @ApiProblems(
    NOT_FOUND,
    [SpendErrors.SELF_PAYMENT_FORBIDDEN, 'Nobody marks their own spend paid; ask another finance user'],
    [
      ExpenseReportErrors.EXPENSE_REPORT_SELF_PAYMENT_FORBIDDEN,
      'Nobody pays their own expense report; ask another finance user',
    ],
    [
      PayoutErrors.PAYOUT_BATCH_NOT_PAYABLE,
      'Only an exported batch can be marked paid; this one is open (download its file first)',
    ],
    [PayoutErrors.PAYOUT_LINE_NOT_IN_BATCH, 'Line 5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d is not a line of this batch'],
  )
  paid(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: MarkPayoutBatchPaidDto,
  ): Promise<PayoutBatchDetailResponseDto> {
    return this.settlement.markPaid(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: 'Cancel an open or exported batch',
    description:
      'Finance and admins. Its items are released, payable again. An exported batch’s file may already be at the bank, so cancelling it needs `not_sent_to_bank: true` and a `reason` (otherwise 409 `PAYOUT_BATCH_EXPORTED`: settle a file the bank took with mark-paid, listing returned lines as failed). Audited `payout_batch.cancelled`.',
  })
  @ApiOkResponse({ type: PayoutBatchDetailResponseDto })
  @ApiInvalidId()
  @ApiValidation()
  @ApiProblems(
    NOT_FOUND,
    [PayoutErrors.PAYOUT_BATCH_NOT_CANCELLABLE, 'Payout batch 3f6e2d1c-9b8a-4e7f-8a6b-1c2d3e4f5a6b is paid'],
    [
      PayoutErrors.PAYOUT_BATCH_EXPORTED,
      'Payout batch 3f6e2d1c-9b8a-4e7f-8a6b-1c2d3e4f5a6b was exported at 2026-12-04T10:00:00.000Z; if its file reached the bank, mark it paid (listing returned lines as failed); cancel it only with not_sent_to_bank: true and a reason',
    ],
  )
  cancel(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: CancelPayoutBatchDto,
  ): Promise<PayoutBatchDetailResponseDto> {
    return this.settlement.cancel(actor, id, dto);
  }
}
