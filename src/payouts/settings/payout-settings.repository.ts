import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../../database/sql';

export interface SepaSettings {
  debtorName: string;
  iban: string;
  bic: string;
}

export interface NachaSettings {
  immediateDestination: string;
  immediateDestinationName: string;
  immediateOrigin: string;
  immediateOriginName: string;
  companyName: string;
  companyId: string;
  odfiRouting: string;
}

export interface PayoutSettings {
  sepa: SepaSettings | null;
  nacha: NachaSettings | null;
  updatedAt: Date | null;
}

interface Row {
  sepa_debtor_name: string | null;
  sepa_debtor_iban: string | null;
  sepa_debtor_bic: string | null;
  nacha_immediate_destination: string | null;
  nacha_immediate_destination_name: string | null;
  nacha_immediate_origin: string | null;
  nacha_immediate_origin_name: string | null;
  nacha_company_name: string | null;
  nacha_company_id: string | null;
  nacha_odfi_routing: string | null;
  updated_at: Date;
}

const COLUMNS = `sepa_debtor_name, sepa_debtor_iban, sepa_debtor_bic, nacha_immediate_destination,
  nacha_immediate_destination_name, nacha_immediate_origin, nacha_immediate_origin_name, nacha_company_name,
  nacha_company_id, nacha_odfi_routing, updated_at`;

/** The table keeps each rail whole or empty (a CHECK), so one column tells whether it is set. */
const toSettings = (r: Row): PayoutSettings => ({
  sepa:
    r.sepa_debtor_name === null
      ? null
      : { debtorName: r.sepa_debtor_name, iban: r.sepa_debtor_iban!, bic: r.sepa_debtor_bic! },
  nacha:
    r.nacha_company_id === null
      ? null
      : {
          immediateDestination: r.nacha_immediate_destination!,
          immediateDestinationName: r.nacha_immediate_destination_name!,
          immediateOrigin: r.nacha_immediate_origin!,
          immediateOriginName: r.nacha_immediate_origin_name!,
          companyName: r.nacha_company_name!,
          companyId: r.nacha_company_id!,
          odfiRouting: r.nacha_odfi_routing!,
        },
  updatedAt: r.updated_at,
});

export const NO_SETTINGS: PayoutSettings = { sepa: null, nacha: null, updatedAt: null };

/** The organization's payout settings: one row per organization, made on first PUT. */
@Injectable()
export class PayoutSettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(db: EntityManager | null, organizationId: string): Promise<PayoutSettings> {
    const [row] = await runSql<Row>(db ?? this.dataSource, FIND, [organizationId]);
    return row ? toSettings(row) : NO_SETTINGS;
  }

  async put(
    tx: EntityManager,
    organizationId: string,
    updatedBy: string,
    settings: Omit<PayoutSettings, 'updatedAt'>,
  ): Promise<PayoutSettings> {
    const { sepa, nacha } = settings;
    const [row] = await runSql<Row>(tx, PUT, [
      organizationId,
      sepa?.debtorName ?? null,
      sepa?.iban ?? null,
      sepa?.bic ?? null,
      nacha?.immediateDestination ?? null,
      nacha?.immediateDestinationName ?? null,
      nacha?.immediateOrigin ?? null,
      nacha?.immediateOriginName ?? null,
      nacha?.companyName ?? null,
      nacha?.companyId ?? null,
      nacha?.odfiRouting ?? null,
      updatedBy,
    ]);
    return toSettings(row);
  }
}

const FIND: Statement = {
  name: 'payout_settings.find',
  text: `SELECT ${COLUMNS} FROM payout_settings WHERE organization_id = $1`,
};

const PUT: Statement = {
  name: 'payout_settings.put',
  text: `
    INSERT INTO payout_settings (organization_id, sepa_debtor_name, sepa_debtor_iban, sepa_debtor_bic,
      nacha_immediate_destination, nacha_immediate_destination_name, nacha_immediate_origin, nacha_immediate_origin_name,
      nacha_company_name, nacha_company_id, nacha_odfi_routing, updated_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (organization_id) DO UPDATE SET
      sepa_debtor_name = EXCLUDED.sepa_debtor_name, sepa_debtor_iban = EXCLUDED.sepa_debtor_iban,
      sepa_debtor_bic = EXCLUDED.sepa_debtor_bic, nacha_immediate_destination = EXCLUDED.nacha_immediate_destination,
      nacha_immediate_destination_name = EXCLUDED.nacha_immediate_destination_name,
      nacha_immediate_origin = EXCLUDED.nacha_immediate_origin, nacha_immediate_origin_name = EXCLUDED.nacha_immediate_origin_name,
      nacha_company_name = EXCLUDED.nacha_company_name, nacha_company_id = EXCLUDED.nacha_company_id,
      nacha_odfi_routing = EXCLUDED.nacha_odfi_routing, updated_by = EXCLUDED.updated_by, updated_at = now()
    RETURNING ${COLUMNS}`,
};
