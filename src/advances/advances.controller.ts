import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { ExchangeRateErrors } from '../exchange-rates/exchange-rates.errors';
import { AdvanceErrors } from './advances.errors';
import { AdvancesService } from './advances.service';
import { AdvanceResponseDto, CreateAdvanceDto, ListAdvancesQuery, PayAdvanceDto } from './dto/advance.dto';
import { AdvanceLifecycle } from './use-cases/advance-lifecycle';
import { RequestAdvance } from './use-cases/request-advance';

const NOT_FOUND = [
  AdvanceErrors.ADVANCE_NOT_FOUND,
  'Advance 8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f does not exist',
] as const;

@ApiTags('Advances')
@Controller('advances')
export class AdvancesController {
  constructor(
    private readonly advances: AdvancesService,
    private readonly requestAdvance: RequestAdvance,
    private readonly lifecycle: AdvanceLifecycle,
  ) {}

  @Post()
  @Authenticated()
  @Idempotent()
  @ApiOperation({
    summary: 'Request a cash advance for oneself',
    description:
      "Converted into the base currency at today's rate and judged by the organization's advance rules (`subject: advance`, " +
      'field `advance_amount` in minor units of the base currency). A `block` refuses it with 422 ADVANCE_BLOCKED_BY_POLICY and ' +
      'nothing is stored; `require_approval` rules make its approval chain (decided at POST /approvals/{id}/decision) and it is ' +
      '`requested`; when no rule asks for an approval it is `approved` at once, as a spend no rule objects to. With `expense_report_id` ' +
      "it is linked to one of the caller's own reports (404 ADVANCE_REPORT_NOT_FOUND otherwise, whosever it is) while that report is " +
      'draft, rejected or submitted (409 ADVANCE_REPORT_CLOSED otherwise); once paid it offsets the report balance.',
  })
  @ApiCreatedResponse({ type: AdvanceResponseDto })
  @ApiValidation()
  @ApiProblems(
    [AdvanceErrors.ADVANCE_BLOCKED_BY_POLICY, 'Advances above 2,000.00 USD are not paid out'],
    [
      AdvanceErrors.ADVANCE_REPORT_NOT_FOUND,
      'Expense report 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d is not one of your expense reports',
    ],
    [
      AdvanceErrors.ADVANCE_REPORT_CLOSED,
      'Expense report 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d is approved and takes no more advances',
    ],
    [
      ExchangeRateErrors.EXCHANGE_RATE_MISSING,
      'No EUR→USD rate for 2026-03-02 or the 7 days before; an admin adds one at POST /exchange-rates',
    ],
  )
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateAdvanceDto): Promise<AdvanceResponseDto> {
    return this.advances.respondRequested(await this.requestAdvance.execute(actor, dto));
  }

  @Get()
  @Authenticated({ accountant: true, scope: 'advances:read' })
  @ApiOperation({
    summary: 'List the advances the caller may see',
    description:
      'Employees see their own; managers also those of their reporting line and of the members of the teams they lead; ' +
      'named approvers the advances they decide; finance, admin and accountant the whole organization. Newest first.',
  })
  @ApiPageResponse(AdvanceResponseDto, 'A page of advances')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListAdvancesQuery): Promise<Page<AdvanceResponseDto>> {
    return this.advances.list(actor, query);
  }

  @Get(':id')
  @Authenticated({ accountant: true, scope: 'advances:read' })
  @ApiOperation({
    summary: 'Get an advance with its approval steps and policy evaluation',
    description: 'Visible as in the list; anyone else gets 404 ADVANCE_NOT_FOUND.',
  })
  @ApiOkResponse({ type: AdvanceResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<AdvanceResponseDto> {
    return this.advances.get(actor, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Withdraw a requested advance',
    description: 'Owner only, while requested; its open approval steps are cancelled.',
  })
  @ApiOkResponse({ type: AdvanceResponseDto })
  @ApiInvalidId()
  @ApiProblems(
    NOT_FOUND,
    [AdvanceErrors.NOT_ADVANCE_OWNER, "Only the advance's owner may withdraw it"],
    [AdvanceErrors.ADVANCE_NOT_CANCELLABLE, 'An advance can be withdrawn while requested; this one is approved'],
  )
  async cancel(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<AdvanceResponseDto> {
    return this.advances.respond(await this.lifecycle.cancel(actor, id));
  }

  @Post(':id/pay')
  @HttpCode(200)
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: 'Pay out an approved advance',
    description:
      "Finance and admin, with the payment's reference; never one's own advance. Exactly once: a second payment is 409 ADVANCE_ALREADY_PAID. An advance linked to an expense report is paid only while the report is undecided (409 ADVANCE_REPORT_CLOSED once it is approved, partly approved or paid: its payout was worked out without the advance).",
  })
  @ApiOkResponse({ type: AdvanceResponseDto })
  @ApiValidation()
  @ApiProblems(
    NOT_FOUND,
    [AdvanceErrors.ADVANCE_SELF_PAYMENT_FORBIDDEN, 'Nobody pays out their own advance; ask another finance user'],
    [AdvanceErrors.ADVANCE_NOT_PAYABLE, 'Only approved advances can be paid; this one is requested'],
    [AdvanceErrors.ADVANCE_ALREADY_PAID, 'This advance was paid on 2026-03-05T10:00:00.000Z with reference SEPA-0042'],
    [
      AdvanceErrors.ADVANCE_REPORT_CLOSED,
      'The advance is linked to expense report 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d, which is approved: its reimbursement no longer offsets advances, so the advance is not paid out',
    ],
  )
  async pay(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: PayAdvanceDto,
  ): Promise<AdvanceResponseDto> {
    return this.advances.respond(await this.lifecycle.pay(actor, id, dto));
  }
}
