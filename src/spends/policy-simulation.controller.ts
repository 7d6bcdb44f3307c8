import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { ExchangeRateErrors } from '../exchange-rates/exchange-rates.errors';
import { SimulateSpendDto } from './dto/spend-input.dto';
import { SimulationResponseDto } from './dto/spend-response.dto';
import { COMPUTED_SPEND_PROBLEMS } from './computed-spend-problems';
import { SpendErrors } from './spends.errors';
import { SpendsService } from './spends.service';

/** Lives with spends because a simulation is a spend that is evaluated and never stored. */
@ApiTags('Policies')
@Controller('policies')
export class PolicySimulationController {
  constructor(private readonly spends: SpendsService) {}

  @Post('simulate')
  @HttpCode(200)
  @Authenticated({ role: 'finance', scope: 'policies:read' })
  @ApiOperation({
    summary: 'The evaluation a spend would get',
    description: 'Body as for POST /spends, plus an optional user_id whose spend it would be. Nothing is stored.',
  })
  @ApiOkResponse({ type: SimulationResponseDto })
  @ApiValidation()
  @ApiProblems(
    [
      ExchangeRateErrors.EXCHANGE_RATE_MISSING,
      'No EUR→USD rate for 2026-03-02 or the 7 days before; an admin adds one at POST /exchange-rates',
    ],
    [SpendErrors.INVALID_REFERENCE, 'user_id … is not a user of this organization'],
    ...COMPUTED_SPEND_PROBLEMS,
  )
  simulate(@CurrentActor() actor: Actor, @Body() dto: SimulateSpendDto): Promise<SimulationResponseDto> {
    return this.spends.simulate(actor, dto);
  }
}
