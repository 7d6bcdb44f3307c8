import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import type { Actor } from '../../common/auth/roles';
import { ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { PolicyErrors } from '../../policies/policies.errors';
import { SpendErrors } from '../spends.errors';
import { BacktestRequestDto, BacktestResponseDto } from './backtest.dto';
import { PolicyBacktest } from './policy-backtest';

/** Lives with spends because a backtest replays stored spends through the engine, storing nothing. */
@ApiTags('Policies')
@Controller('policies')
export class PolicyBacktestController {
  constructor(private readonly backtest: PolicyBacktest) {}

  @Post('backtest')
  @HttpCode(200)
  @Authenticated({ role: 'finance', scope: 'policies:read' })
  @ApiOperation({
    summary: 'What a draft policy would have changed over a past period',
    description:
      'Replays the submitted spends (pending_approval, approved, paid, rejected, blocked) whose spend_date is in ' +
      'from..to (at most 366 days) through the active policies and through the same policies with the draft applied: ' +
      'added as one more policy (`policy`), or replacing an existing policy’s rules (`policy_id` with `rules`). ' +
      'days_since_spend counts to the submission date. Answers the changed outcomes, the money involved, who would ' +
      'have been asked and a sample. Stores nothing.',
  })
  @ApiOkResponse({ type: BacktestResponseDto })
  @ApiValidation()
  @ApiProblems(
    [PolicyErrors.INVALID_POLICY_RULE, '1 problem in the rules; nothing was saved'],
    [
      SpendErrors.BACKTEST_PERIOD_INVALID,
      'The period 2025-01-01 to 2026-03-31 must run forward and span at most 366 days',
    ],
    [SpendErrors.BACKTEST_DRAFT_INVALID, 'Give either policy (a draft) or policy_id with rules (a change), not both'],
    [PolicyErrors.POLICY_NOT_FOUND, 'Policy 2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e does not exist'],
  )
  run(@CurrentActor() actor: Actor, @Body() dto: BacktestRequestDto): Promise<BacktestResponseDto> {
    return this.backtest.run(actor, dto);
  }
}
