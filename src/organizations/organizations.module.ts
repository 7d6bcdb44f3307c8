import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { BootstrapService } from './bootstrap.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [UsersModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, OrganizationsRepository, BootstrapService],
  exports: [OrganizationsService, BootstrapService],
})
export class OrganizationsModule {}
