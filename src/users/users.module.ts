import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { AdminUsersController } from './admin-users.controller';
import { Directory } from './directory';
import { PasswordHasher } from './password-hasher';
import { ReportingLine } from './reporting-line';
import { ReportingLineRepository } from './reporting-line.repository';
import { TeamsController } from './teams.controller';
import { TeamsRepository } from './teams.repository';
import { TeamsService } from './teams.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** People and how they are organized: users, the reporting line (manager_id) and teams. */
@Module({
  imports: [SessionsModule],
  controllers: [UsersController, AdminUsersController, TeamsController],
  providers: [
    UsersService,
    UsersRepository,
    ReportingLine,
    ReportingLineRepository,
    PasswordHasher,
    TeamsService,
    TeamsRepository,
    Directory,
  ],
  /** Services only: other modules reach users and teams through these, never through a repository. */
  exports: [UsersService, TeamsService, Directory, PasswordHasher],
})
export class UsersModule {}
