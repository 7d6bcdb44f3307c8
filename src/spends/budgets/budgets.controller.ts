import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import type { Actor } from '../../common/auth/roles';
import { DeletedResponseDto } from '../../common/http/deleted-response.dto';
import { UuidParam } from '../../common/http/uuid-param';
import { ApiPageResponse, Page } from '../../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { BudgetOnQueryDto, BudgetQueryDto, BudgetResponseDto, CreateBudgetDto, UpdateBudgetDto } from './budget.dto';
import { BudgetErrors } from './budgets.errors';
import { BudgetsService } from './budgets.service';

const NOT_FOUND = [
  BudgetErrors.BUDGET_NOT_FOUND,
  'Budget 7b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e does not exist',
] as const;
const WRITE_PROBLEMS = [
  [BudgetErrors.BUDGET_PERIOD_INVALID, "The budget's period is invalid: ends_on is before starts_on"],
  [BudgetErrors.BUDGET_AMOUNT_INVALID, 'amount: USD has 2 decimal places at most'],
  [BudgetErrors.BUDGET_COUNTS_INVALID, 'counts must be [pending_approval, approved, paid] or [approved, paid]'],
] as const;
const READERS =
  'Finance, admin and the accountant read every budget; other users the budgets of their own user and of the teams they are a member or the lead of (any other is 404).';
const FIGURES =
  'Figures are for the period containing `on` (default today, UTC), computed from spends in the budget currency: `spent` approved and paid, `committed` pending approval, `remaining` = amount + rolled_over − what `counts` consumes.';

@ApiTags('Budgets')
@Controller('budgets')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Post()
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: 'Create a budget',
    description: `An amount of the base currency per period for the organization, a team, a category or a user. Audited. ${FIGURES}`,
  })
  @ApiCreatedResponse({ type: BudgetResponseDto })
  @ApiValidation()
  @ApiProblems(
    [BudgetErrors.BUDGET_SCOPE_INVALID, "The budget's scope is invalid: 5a7d… is not a team of this organization"],
    ...WRITE_PROBLEMS,
  )
  create(@CurrentActor() actor: Actor, @Body() dto: CreateBudgetDto): Promise<BudgetResponseDto> {
    return this.budgets.create(actor, dto);
  }

  @Get()
  @Authenticated({ accountant: true, scope: 'reports:read' })
  @ApiOperation({
    summary: 'Budgets with spent, committed and remaining',
    description: `${READERS} Oldest first. ${FIGURES}`,
  })
  @ApiPageResponse(BudgetResponseDto, 'A page of budgets')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: BudgetQueryDto): Promise<Page<BudgetResponseDto>> {
    return this.budgets.list(actor, query);
  }

  @Get(':id')
  @Authenticated({ accountant: true, scope: 'reports:read' })
  @ApiOperation({ summary: 'One budget with its figures', description: `${READERS} ${FIGURES}` })
  @ApiOkResponse({ type: BudgetResponseDto })
  @ApiValidation()
  @ApiProblems(NOT_FOUND)
  @ApiInvalidId()
  get(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Query() query: BudgetOnQueryDto,
  ): Promise<BudgetResponseDto> {
    return this.budgets.get(actor, id, query.on);
  }

  @Patch(':id')
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: 'Change a budget',
    description:
      'Name, amount, counts, rollover, and a custom range; scope and period never change (archive it and make another). Audited.',
  })
  @ApiOkResponse({ type: BudgetResponseDto })
  @ApiValidation()
  @ApiProblems(NOT_FOUND, ...WRITE_PROBLEMS)
  @ApiInvalidId()
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdateBudgetDto,
  ): Promise<BudgetResponseDto> {
    return this.budgets.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(200)
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: 'Archive a budget',
    description: 'It is no longer listed nor applied to policy rules; its audit trail stays. Archiving again is 404.',
  })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiProblems(NOT_FOUND)
  @ApiInvalidId()
  async remove(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<DeletedResponseDto> {
    await this.budgets.archive(actor, id);
    return { message: 'Deleted successfully' };
  }
}
