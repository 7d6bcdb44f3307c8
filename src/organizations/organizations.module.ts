import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { BootstrapService } from './bootstrap.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [UsersModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, BootstrapService],
  exports: [OrganizationsService, BootstrapService],
})
export class OrganizationsModule {}
