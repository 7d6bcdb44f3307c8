import { Module } from '@nestjs/common';
import { MileageRatesController } from './mileage-rates.controller';
import { MileageRatesRepository } from './mileage-rates.repository';
import { MileageRatesService } from './mileage-rates.service';

/** Rate tables computed spends are priced from: mileage by vehicle type and date range. */
@Module({
  controllers: [MileageRatesController],
  providers: [MileageRatesService, MileageRatesRepository],
  exports: [MileageRatesService],
})
export class RatesModule {}
