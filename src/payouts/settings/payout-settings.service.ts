import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import { bicProblem, ibanProblem, normalizeIban, routingNumberProblem } from '../bank-details.validators';
import type { PayoutSettingsResponseDto, PutPayoutSettingsDto } from '../dto/payout-settings.dto';
import { PayoutSettings, PayoutSettingsRepository } from './payout-settings.repository';

/**
 * The organization's side of the payout files: the SEPA debtor (name, IBAN, BIC) and the NACHA
 * originator (immediate destination and origin, company, ODFI). Checked like payee details
 * (IBAN mod-97, BIC, ABA checksums); replaced whole and audited.
 */
@Injectable()
export class PayoutSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: PayoutSettingsRepository,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor): Promise<PayoutSettingsResponseDto> {
    return toResponse(await this.settings.find(null, actor.organizationId));
  }

  async put(actor: Actor, dto: PutPayoutSettingsDto): Promise<PayoutSettingsResponseDto> {
    checked(dto);
    const stored = await this.dataSource.transaction(async (tx) => {
      const saved = await this.settings.put(tx, actor.organizationId, actor.userId, {
        sepa: dto.sepa
          ? { debtorName: dto.sepa.debtor_name, iban: normalizeIban(dto.sepa.iban), bic: dto.sepa.bic.toUpperCase() }
          : null,
        nacha: dto.nacha
          ? {
              immediateDestination: dto.nacha.immediate_destination,
              immediateDestinationName: dto.nacha.immediate_destination_name,
              immediateOrigin: dto.nacha.immediate_origin,
              immediateOriginName: dto.nacha.immediate_origin_name,
              companyName: dto.nacha.company_name,
              companyId: dto.nacha.company_id.toUpperCase(),
              odfiRouting: dto.nacha.odfi_routing,
            }
          : null,
      });
      await this.audit.record(tx, actor, {
        action: 'payout_settings.updated',
        entityType: 'organization',
        entityId: actor.organizationId,
        metadata: { sepa: saved.sepa !== null, nacha: saved.nacha !== null },
      });
      return saved;
    });
    return toResponse(stored);
  }
}

function checked(dto: PutPayoutSettingsDto): void {
  const errors: Array<{ field: string; message: string }> = [];
  const check = (field: string, problem: string | null) => problem && errors.push({ field, message: problem });
  if (dto.sepa) {
    check('sepa.iban', ibanProblem(dto.sepa.iban));
    check('sepa.bic', bicProblem(dto.sepa.bic));
  }
  if (dto.nacha) {
    check('nacha.immediate_destination', routingNumberProblem(dto.nacha.immediate_destination));
    check('nacha.odfi_routing', routingNumberProblem(dto.nacha.odfi_routing));
  }
  if (errors.length > 0)
    throw CommonErrors.VALIDATION_FAILED(errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
}

const toResponse = (s: PayoutSettings): PayoutSettingsResponseDto => ({
  sepa: s.sepa ? { debtor_name: s.sepa.debtorName, iban: s.sepa.iban, bic: s.sepa.bic } : null,
  nacha: s.nacha
    ? {
        immediate_destination: s.nacha.immediateDestination,
        immediate_destination_name: s.nacha.immediateDestinationName,
        immediate_origin: s.nacha.immediateOrigin,
        immediate_origin_name: s.nacha.immediateOriginName,
        company_name: s.nacha.companyName,
        company_id: s.nacha.companyId,
        odfi_routing: s.nacha.odfiRouting,
      }
    : null,
  updated_at: s.updatedAt?.toISOString() ?? null,
});
