import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ReceiptExtraction, ReceiptMimeType } from './ocr/extraction';
import type { OcrErrorCode } from './ocr/ocr-failure';

export const OCR_STATUSES = ['queued', 'processing', 'done', 'failed'] as const;
export type OcrStatus = (typeof OCR_STATUSES)[number];

/** A file attached to a spend and what OCR read off it. The bytes live in ReceiptStorage. */
@Entity('receipts')
export class Receipt {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') spendId: string;
  @Column('uuid') uploadedBy: string;
  @Column('text') filename: string;
  @Column('text') mimeType: ReceiptMimeType;
  @Column('integer') size: number;
  @Column('char', { length: 64 }) sha256: string;
  @Column('text') ocrStatus: OcrStatus;
  /** Bumped by every OCR request; a job for an older run is stale and does nothing. */
  @Column('integer', { default: 1 }) ocrRun: number;
  /** Why OCR failed (ocr_status failed): a stable code, and the sentence for it that clients see. */
  @Column('text', { nullable: true }) ocrErrorCode: OcrErrorCode | null;
  @Column('text', { nullable: true }) ocrError: string | null;
  @Column('jsonb', { nullable: true }) extracted: ReceiptExtraction | null;
  @Column('boolean', { default: false }) verified: boolean;
  @Column('text', { array: true, default: () => "'{}'" }) flags: string[];
  @Column('uuid', { nullable: true }) duplicateOf: string | null;
  @Column('timestamptz', { nullable: true }) processedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
