import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { RateLimitGuard } from '../common/rate-limit/rate-limit.guard';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { AppConfig } from '../config/app-config';
import { OrganizationsModule } from '../organizations/organizations.module';
import { IdentityModule } from '../identity/identity.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuthController } from './auth.controller';
import { BearerAuthGuard, PasswordChangeGuard, RolesGuard, ScopesGuard } from './auth.guards';
import { AuthService } from './auth.service';
import { ApiKeyCredentials } from './credentials/api-key-credentials';
import { Credentials } from './credentials/credentials';
import { OidcTokens } from './credentials/oidc-tokens';
import { SessionTokens } from './credentials/session-tokens';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginThrottle } from './login-throttle';
import { AdminMfaController } from './mfa/admin-mfa.controller';
import { MfaCodes } from './mfa/mfa-codes';
import { MfaEnrolmentGuard } from './mfa/mfa-enrolment.guard';
import { MfaLoginController } from './mfa/mfa-login.controller';
import { MfaLoginService } from './mfa/mfa-login.service';
import { MfaController } from './mfa/mfa.controller';
import { MfaRepository } from './mfa/mfa.repository';
import { MfaService } from './mfa/mfa.service';
import { OwnPasswordController } from './own-password.controller';
import { PasswordResetController } from './password-reset/password-reset.controller';
import { PasswordResetRepository } from './password-reset/password-reset.repository';
import { PasswordResetService } from './password-reset/password-reset.service';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    UsersModule,
    RateLimitModule,
    OrganizationsModule,
    SessionsModule,
    OrganizationsModule,
    IdentityModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwt.secret,
        signOptions: { algorithm: 'HS256', expiresIn: config.jwt.accessTtlSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [
    AuthController,
    OwnPasswordController,
    MfaLoginController,
    MfaController,
    AdminMfaController,
    PasswordResetController,
    ApiKeysController,
  ],
  providers: [
    AuthService,
    TokensService,
    LoginThrottle,
    LoginAttemptsRepository,
    Credentials,
    SessionTokens,
    MfaRepository,
    MfaCodes,
    MfaService,
    MfaLoginService,
    PasswordResetRepository,
    PasswordResetService,
    ApiKeyCredentials,
    ApiKeysRepository,
    ApiKeysService,
    OidcTokens,
    // Guards run in this order: who are you, have you sent too many requests (counted for whom
    // the first named), must you change your password first, must you enrol a second factor
    // first (src/auth/mfa), then may you (by role; and an API key, by scope).
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    { provide: APP_GUARD, useClass: PasswordChangeGuard },
    { provide: APP_GUARD, useClass: MfaEnrolmentGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
  ],
  // The operators' login is throttled the same way, and their guard asks Credentials whom an organization's credential names.
  exports: [LoginThrottle, Credentials],
})
export class AuthModule {}
