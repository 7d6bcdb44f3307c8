import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { ExchangeRateErrors } from '../exchange-rates/exchange-rates.errors';
import { CreateSpendDto, RecodeSpendDto, UpdateSpendDto } from './dto/spend-input.dto';
import { ListSpendsQuery, PaySpendDto } from './dto/spend-query.dto';
import { SpendResponseDto } from './dto/spend-response.dto';
import { COMPUTED_SPEND_PROBLEMS } from './computed-spend-problems';
import { SpendErrors } from './spends.errors';
import { SpendsService } from './spends.service';
import { CreateSpend } from './use-cases/create-spend';
import { SpendLifecycle } from './use-cases/spend-lifecycle';
import { SpendPayment } from './use-cases/spend-payment';

const NOT_FOUND = [SpendErrors.SPEND_NOT_FOUND, 'Spend 3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c does not exist'] as const;
const RATE_MISSING = [
  ExchangeRateErrors.EXCHANGE_RATE_MISSING,
  'No EUR→USD rate for 2026-03-02 or the 7 days before; an admin adds one at POST /exchange-rates',
] as const;
const BAD_REFERENCE = [
  SpendErrors.INVALID_REFERENCE,
  'category_id must name an active category of this organization',
] as const;
const IN_REPORT = [
  SpendErrors.SPEND_IN_EXPENSE_REPORT,
  'This spend is a line of expense report 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d; it is submitted with its report (or removed from it first)',
] as const;
const NOT_OWNER = [SpendErrors.NOT_SPEND_OWNER, "Only the spend's owner may do this"] as const;

@ApiTags('Spends')
@Controller('spends')
export class SpendsController {
  constructor(
    private readonly spends: SpendsService,
    private readonly createSpend: CreateSpend,
    private readonly lifecycle: SpendLifecycle,
    private readonly payment: SpendPayment,
  ) {}

  @Post()
  @Authenticated({ scope: 'spends:write' })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a spend',
    description:
      "Unless `draft: true` it is submitted at once: the organization's active policies are evaluated and the spend becomes pending_approval, approved or blocked, with a policy_evaluation naming every matched rule and why.",
  })
  @ApiCreatedResponse({ type: SpendResponseDto })
  @ApiValidation()
  @ApiProblems(RATE_MISSING, BAD_REFERENCE, ...COMPUTED_SPEND_PROBLEMS)
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateSpendDto): Promise<SpendResponseDto> {
    return this.spends.respondCreated(await this.createSpend.execute(actor, dto));
  }

  @Get()
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: 'List the spends the caller may see',
    description:
      'Employees see their own; managers also their reporting line and the teams they lead; finance, admin and accountant the whole organization. Newest spend_date first.',
  })
  @ApiPageResponse(SpendResponseDto, 'A page of spends')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListSpendsQuery): Promise<Page<SpendResponseDto>> {
    return this.spends.list(actor, query);
  }

  @Get(':id')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: 'Get a spend with its approvals and policy evaluation',
    description:
      'Visible to its owner, the managers above them, the leads of its team, finance and admins; anyone else gets 404 SPEND_NOT_FOUND. Carries its receipts, approval steps and the stored policy_evaluation.',
  })
  @ApiOkResponse({ type: SpendResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<SpendResponseDto> {
    return this.spends.get(actor, id);
  }

  @Patch(':id')
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Edit a draft or rejected spend',
    description: 'Owner only. A rejected spend is resubmitted with POST /spends/{id}/submit.',
  })
  @ApiOkResponse({ type: SpendResponseDto })
  @ApiValidation()
  @ApiProblems(
    NOT_FOUND,
    NOT_OWNER,
    [SpendErrors.SPEND_NOT_EDITABLE, 'A spend is editable while draft or rejected; this one is approved'],
    RATE_MISSING,
    BAD_REFERENCE,
    ...COMPUTED_SPEND_PROBLEMS,
  )
  async update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdateSpendDto,
  ): Promise<SpendResponseDto> {
    return this.spends.respond(await this.lifecycle.edit(actor, id, dto));
  }

  @Patch(':id/accounting')
  @Authenticated({ role: 'finance', accountant: true })
  @ApiOperation({
    summary: "Recode a spend's category and vendor",
    description:
      'Finance, admin and the accountant correct the accounting fields the journal export books on, in any status (paid included); ' +
      '`null` clears one. Only category_id and vendor_id change: the amounts, the rate and the approvals stay as they are, and ' +
      'policies are not run again. Audited as `spend.recoded`.',
  })
  @ApiOkResponse({ type: SpendResponseDto })
  @ApiValidation()
  @ApiProblems(NOT_FOUND, BAD_REFERENCE)
  async recode(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: RecodeSpendDto,
  ): Promise<SpendResponseDto> {
    return this.spends.respond(await this.lifecycle.recode(actor, id, dto));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Submit a draft or resubmit a rejected spend',
    description: 'Evaluated by the policies as on create; a resubmission starts a new round of approvals.',
  })
  @ApiOkResponse({ type: SpendResponseDto })
  @ApiInvalidId()
  @ApiProblems(
    NOT_FOUND,
    NOT_OWNER,
    [SpendErrors.SPEND_NOT_SUBMITTABLE, 'Drafts and rejected spends can be submitted; this one is pending_approval'],
    IN_REPORT,
    RATE_MISSING,
  )
  async submit(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<SpendResponseDto> {
    return this.spends.respond(await this.lifecycle.submit(actor, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Withdraw a spend',
    description: 'Owner only, while draft, pending approval or rejected; open approval steps are cancelled.',
  })
  @ApiOkResponse({ type: SpendResponseDto })
  @ApiInvalidId()
  @ApiProblems(
    NOT_FOUND,
    NOT_OWNER,
    [SpendErrors.SPEND_NOT_CANCELLABLE, 'A approved spend can no longer be withdrawn'],
    IN_REPORT,
  )
  async cancel(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<SpendResponseDto> {
    return this.spends.respond(await this.lifecycle.cancel(actor, id));
  }

  @Post(':id/pay')
  @HttpCode(200)
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: 'Mark an approved spend paid',
    description:
      "Finance and admin; never one's own spend, nor one in an open or exported payout batch (that batch pays it).",
  })
  @ApiOkResponse({ type: SpendResponseDto })
  @ApiValidation()
  @ApiProblems(
    NOT_FOUND,
    [SpendErrors.SELF_PAYMENT_FORBIDDEN, 'Nobody marks their own spend paid; ask another finance user'],
    [SpendErrors.SPEND_NOT_PAYABLE, 'Only approved spends can be paid; this one is pending_approval'],
    [
      SpendErrors.SPEND_IN_PAYOUT_BATCH,
      'Spend 7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f is in payout batch 3f6e2d1c-9b8a-4e7f-8a6b-1c2d3e4f5a6b; it is paid when that batch is, or cancel the batch first',
    ],
    IN_REPORT,
  )
  async pay(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: PaySpendDto,
  ): Promise<SpendResponseDto> {
    return this.spends.respond(await this.payment.paySingly(actor, id, dto));
  }
}
