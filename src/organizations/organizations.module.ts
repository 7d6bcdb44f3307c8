import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { BootstrapService } from './bootstrap.service';
import { OrganizationSuspension } from './organization-suspension';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [UsersModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, OrganizationsRepository, BootstrapService, OrganizationSuspension],
  exports: [OrganizationsService, BootstrapService, OrganizationSuspension],
})
export class OrganizationsModule {}
