import { defineErrors } from '../common/errors/domain-error';

export const CatalogErrors = defineErrors({
  CATEGORY_NOT_FOUND: { status: 404, title: 'Category not found' },
  CATEGORY_NAME_TAKEN: { status: 409, title: 'Category name already in use' },
  CATEGORY_CODE_TAKEN: { status: 409, title: 'Category code already in use' },
  VENDOR_NOT_FOUND: { status: 404, title: 'Vendor not found' },
  VENDOR_NAME_TAKEN: { status: 409, title: 'Vendor name already in use' },
  VENDOR_CODE_TAKEN: { status: 409, title: 'Vendor code already in use' },
});
