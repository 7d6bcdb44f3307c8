import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ExchangeRatesController } from './exchange-rates.controller';
import { ExchangeRatesRepository } from './exchange-rates.repository';
import { ExchangeRatesService } from './exchange-rates.service';

/** The rates that convert spends into each organization's base currency. */
@Module({
  imports: [OrganizationsModule],
  controllers: [ExchangeRatesController],
  providers: [ExchangeRatesService, ExchangeRatesRepository],
  exports: [ExchangeRatesService],
})
export class ExchangeRatesModule {}
