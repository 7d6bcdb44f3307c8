/**
 * An ISO 20022 `pain.001.001.09` customer credit transfer initiation for SEPA (EUR): one
 * payment information block debiting the organization's account, one transaction per line.
 * Follows the EPC's SCT customer-to-PSP implementation guidelines (service level SEPA, charges
 * SLEV, IBAN and BIC only, text in the Latin character set the rulebook allows). Pure: the
 * caller hands in opened bank details and gets the document; nothing here logs or stores it.
 */
export interface SepaDebtor {
  name: string;
  iban: string;
  bic: string;
}

export interface SepaTransfer {
  /** Unique per transfer, at most 35 characters: the line's id, which the bank reports back. */
  endToEndId: string;
  amountMinor: bigint;
  creditorName: string;
  creditorIban: string;
  creditorBic: string;
  remittance: string | null;
}

export interface SepaCreditTransferInput {
  messageId: string;
  createdAt: Date;
  /** `YYYY-MM-DD`: the day the debtor's bank is asked to execute the transfers. */
  executionDate: string;
  debtor: SepaDebtor;
  transfers: SepaTransfer[];
}

export const PAIN_001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

export function sepaCreditTransfer(input: SepaCreditTransferInput): string {
  if (input.transfers.length === 0) throw new RangeError('a credit transfer needs at least one transaction');
  const total = input.transfers.reduce((sum, t) => sum + t.amountMinor, 0n);
  const count = String(input.transfers.length);
  const tx = input.transfers.map(
    (t) => `
      <CdtTrfTxInf>
        <PmtId><EndToEndId>${text(t.endToEndId, 35)}</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">${euros(t.amountMinor)}</InstdAmt></Amt>
        <CdtrAgt><FinInstnId><BICFI>${t.creditorBic.toUpperCase()}</BICFI></FinInstnId></CdtrAgt>
        <Cdtr><Nm>${text(t.creditorName, 70)}</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>${t.creditorIban}</IBAN></Id></CdtrAcct>${
          t.remittance ? `\n        <RmtInf><Ustrd>${text(t.remittance, 140)}</Ustrd></RmtInf>` : ''
        }
      </CdtTrfTxInf>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="${PAIN_001_NAMESPACE}">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>${text(input.messageId, 35)}</MsgId>
      <CreDtTm>${input.createdAt.toISOString().slice(0, 19)}</CreDtTm>
      <NbOfTxs>${count}</NbOfTxs>
      <CtrlSum>${euros(total)}</CtrlSum>
      <InitgPty><Nm>${text(input.debtor.name, 70)}</Nm></InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>${text(input.messageId, 35)}</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <NbOfTxs>${count}</NbOfTxs>
      <CtrlSum>${euros(total)}</CtrlSum>
      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
      <ReqdExctnDt><Dt>${input.executionDate}</Dt></ReqdExctnDt>
      <Dbtr><Nm>${text(input.debtor.name, 70)}</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>${input.debtor.iban}</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>${input.debtor.bic.toUpperCase()}</BICFI></FinInstnId></DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>${tx.join('')}
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;
}

/** Cents as `12.34`: the two fraction digits SEPA amounts have. */
export function euros(minor: bigint): string {
  const cents = minor.toString().padStart(3, '0');
  return `${cents.slice(0, -2)}.${cents.slice(-2)}`;
}

/**
 * Text as the SEPA rulebook lets it through every bank: accents taken off (`Müller` →
 * `Muller`), anything outside `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space made a space,
 * trimmed to `max` characters, then escaped for XML (`'` is the only one of them that needs it).
 */
export function text(value: string, max: number): string {
  const latin = value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[^a-zA-Z0-9/\-?:().,'+ ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
  return (latin === '' ? '-' : latin).replace(/'/g, '&apos;');
}
