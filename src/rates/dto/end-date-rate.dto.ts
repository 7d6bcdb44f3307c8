import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../../common/dates.validators';

/**
 * The one change a rate takes once created: its last day. Everything else stays as it was,
 * because spends were priced from it; a new value is a new rate from the next day.
 */
export class EndDateRateDto {
  @ApiProperty({
    format: 'date',
    example: '2026-06-30',
    description:
      'The last day the rate applies (inclusive). Not before valid_from; a later day must not meet another rate of the same key (409).',
  })
  @IsCalendarDate()
  valid_to: string;
}
