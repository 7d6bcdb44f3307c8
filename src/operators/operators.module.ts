import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuthModule } from '../auth/auth.module';
import { OperatorPasswords } from '../common/auth/operator';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { OperatorAccounts } from './operator-accounts';
import { OperatorAuth } from './operator-auth';
import { OperatorAuthController } from './operator-auth.controller';
import { OperatorGuard } from './operator.guard';
import { OperatorOrganizations } from './operator-organizations';
import { OperatorOrganizationsController } from './operator-organizations.controller';
import { OperatorsRepository } from './operators.repository';

/**
 * The installation's operators (docs/operator.md): accounts the CLI manages, their login and
 * token, and their routes under /operator. Global only for OperatorPasswords, which the queue
 * board's guard (in `jobs`, below every module) asks without importing this module.
 */
@Global()
@Module({
  imports: [UsersModule, OrganizationsModule, AuthModule, JwtModule.register({})],
  controllers: [OperatorAuthController, OperatorOrganizationsController],
  providers: [
    OperatorsRepository,
    OperatorAccounts,
    OperatorAuth,
    OperatorOrganizations,
    OperatorGuard,
    { provide: OperatorPasswords, useExisting: OperatorAuth },
  ],
  exports: [OperatorAccounts, OperatorPasswords],
})
export class OperatorsModule {}
