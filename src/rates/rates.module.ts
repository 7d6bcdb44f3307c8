import { Module } from '@nestjs/common';
import { MileageRatesController } from './mileage-rates.controller';
import { MileageRatesRepository } from './mileage-rates.repository';
import { MileageRatesService } from './mileage-rates.service';
import { PerDiemRatesController } from './per-diem-rates.controller';
import { PerDiemRatesRepository } from './per-diem-rates.repository';
import { PerDiemRatesService } from './per-diem-rates.service';

/**
 * Rate tables computed spends are priced from: mileage by vehicle type and date range, per diem
 * by country (or city) and date range.
 */
@Module({
  controllers: [MileageRatesController, PerDiemRatesController],
  providers: [MileageRatesService, MileageRatesRepository, PerDiemRatesService, PerDiemRatesRepository],
  exports: [MileageRatesService, PerDiemRatesService],
})
export class RatesModule {}
