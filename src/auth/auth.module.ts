import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { BearerAuthGuard, PasswordChangeGuard, RolesGuard } from './auth.guards';
import { AuthService } from './auth.service';
import { Credentials } from './credentials/credentials';
import { SessionTokens } from './credentials/session-tokens';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginThrottle } from './login-throttle';
import { OwnPasswordController } from './own-password.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    UsersModule,
    OrganizationsModule,
    SessionsModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwt.secret,
        signOptions: { algorithm: 'HS256', expiresIn: config.jwt.accessTtlSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, OwnPasswordController],
  providers: [
    AuthService,
    TokensService,
    LoginThrottle,
    LoginAttemptsRepository,
    Credentials,
    SessionTokens,
    // Guards run in this order: who are you, must you change your password first, then may you.
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_GUARD, useClass: PasswordChangeGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  // The operators' login is throttled the same way, and their guard asks Credentials whom an organization's credential names.
  exports: [LoginThrottle, Credentials],
})
export class AuthModule {}
