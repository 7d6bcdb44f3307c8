import { Module } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { CategoriesController, VendorsController } from './catalog.controllers';

/** Reference data spends point at: expense categories and vendors. */
@Module({
  controllers: [CategoriesController, VendorsController],
  providers: [CatalogService],
  exports: [CatalogService],
})
export class CatalogModule {}
