import { Module } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { CategoriesController, VendorsController } from './catalog.controllers';
import { CatalogRepository } from './catalog.repository';

/** Reference data spends point at: expense categories and vendors. */
@Module({
  controllers: [CategoriesController, VendorsController],
  providers: [CatalogService, CatalogRepository],
  exports: [CatalogService],
})
export class CatalogModule {}
