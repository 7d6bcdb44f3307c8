import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import type { Actor } from '../../common/auth/roles';
import { ApiValidation } from '../../common/swagger/api-problems.decorator';
import { PayoutSettingsResponseDto, PutPayoutSettingsDto } from '../dto/payout-settings.dto';
import { PayoutSettingsService } from './payout-settings.service';

/** The organization's debtor (SEPA) and originator (NACHA) details, which the payout files carry. */
@ApiTags('Payouts')
@Controller('organization/payout-settings')
export class PayoutSettingsController {
  constructor(private readonly settings: PayoutSettingsService) {}

  @Get()
  @Authenticated({ role: 'finance', accountant: true })
  @ApiOperation({
    summary: "The organization's payout settings",
    description: 'Finance, admins and the accountant. A rail not configured is null.',
  })
  @ApiOkResponse({ type: PayoutSettingsResponseDto })
  get(@CurrentActor() actor: Actor): Promise<PayoutSettingsResponseDto> {
    return this.settings.get(actor);
  }

  @Put()
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: "Replace the organization's payout settings",
    description:
      'Finance and admins. `sepa`: the debtor of EUR batches (IBAN mod-97 and BIC checked); `nacha`: the originator of USD batches (routing numbers ABA-checked). A rail left out or null is cleared. Audited `payout_settings.updated`.',
  })
  @ApiOkResponse({ type: PayoutSettingsResponseDto })
  @ApiValidation()
  put(@CurrentActor() actor: Actor, @Body() dto: PutPayoutSettingsDto): Promise<PayoutSettingsResponseDto> {
    return this.settings.put(actor, dto);
  }
}
