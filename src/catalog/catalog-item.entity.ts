import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Categories and vendors are the same kind of reference data (a name, an optional code used
 * by accounting, an active flag), kept in two tables so that spends can reference each with
 * a real foreign key.
 */
abstract class CatalogItem {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') name: string;
  @Column('text', { nullable: true }) code: string | null;
  @Column('boolean', { default: true }) isActive: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

@Entity('categories')
export class Category extends CatalogItem {}

@Entity('vendors')
export class Vendor extends CatalogItem {}

export type CatalogEntity = typeof Category | typeof Vendor;
export { CatalogItem };
