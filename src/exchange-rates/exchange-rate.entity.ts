import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** How many units of `baseCurrency` one unit of `currency` was worth on `rateDate`. */
@Entity('exchange_rates')
export class ExchangeRate {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('char', { length: 3 }) currency: string;
  @Column('char', { length: 3 }) baseCurrency: string;
  /** numeric(24,12), read as a string and never as a float. */
  @Column('numeric', { precision: 24, scale: 12 }) rate: string;
  @Column('date') rateDate: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
