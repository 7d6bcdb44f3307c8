import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
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
import { SessionTokens } from './credentials/session-tokens';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginThrottle } from './login-throttle';
import { OwnPasswordController } from './own-password.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    UsersModule,
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
  controllers: [AuthController, OwnPasswordController, ApiKeysController],
  providers: [
    AuthService,
    TokensService,
    LoginThrottle,
    LoginAttemptsRepository,
    Credentials,
    SessionTokens,
    ApiKeyCredentials,
    ApiKeysRepository,
    ApiKeysService,
    // Guards run in this order: who are you, must you change your password first, then may you
    // (by role; and an API key, by scope).
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_GUARD, useClass: PasswordChangeGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
  ],
})
export class AuthModule {}
