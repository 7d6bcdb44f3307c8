import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, EntityList } from './data-source-options';

/**
 * The application's data source. `forRoot(ENTITIES)`: the composition root (app.module.ts, the
 * CLI) hands in the entities of the modules above, which this module never imports.
 */
@Module({})
export class DatabaseModule {
  static forRoot(entities: EntityList): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            if (!config.database.url)
              throw new Error(
                'The database URL must be resolved (embedded or DATABASE_URL) before the app module is created',
              );
            return {
              ...dataSourceOptions(config.database.url, { poolSize: config.database.poolSize, entities }),
              retryAttempts: 3,
              retryDelay: 1_000,
            };
          },
        }),
      ],
    };
  }
}
