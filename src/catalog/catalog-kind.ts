import { ErrorFactory } from '../common/errors/domain-error';
import { CatalogErrors } from './catalog.errors';
import { CatalogEntity, Category, Vendor } from './catalog-item.entity';

/** What differs between categories and vendors: the table, the words and the problem codes. */
export interface CatalogKind {
  entity: CatalogEntity;
  /** Singular noun, as in `category.created` and "Category … does not exist". */
  noun: 'category' | 'vendor';
  path: 'categories' | 'vendors';
  example: { name: string; code: string };
  notFound: ErrorFactory;
  nameTaken: ErrorFactory;
  codeTaken: ErrorFactory;
}

export const CATEGORIES: CatalogKind = {
  entity: Category,
  noun: 'category',
  path: 'categories',
  example: { name: 'Travel', code: '6400' },
  notFound: CatalogErrors.CATEGORY_NOT_FOUND,
  nameTaken: CatalogErrors.CATEGORY_NAME_TAKEN,
  codeTaken: CatalogErrors.CATEGORY_CODE_TAKEN,
};

export const VENDORS: CatalogKind = {
  entity: Vendor,
  noun: 'vendor',
  path: 'vendors',
  example: { name: 'Lufthansa', code: 'V-1042' },
  notFound: CatalogErrors.VENDOR_NOT_FOUND,
  nameTaken: CatalogErrors.VENDOR_NAME_TAKEN,
  codeTaken: CatalogErrors.VENDOR_CODE_TAKEN,
};
