import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SecretBox } from './secret-box';

/** One SecretBox for the process, from SECRETS_KEY (and SECRETS_PREVIOUS_KEYS). */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      useFactory: (config: AppConfig) => new SecretBox(config.secrets.key, config.secrets.previousKeys),
      inject: [AppConfig],
    },
  ],
  exports: [SecretBox],
})
export class SecretsModule {}
