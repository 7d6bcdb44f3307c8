/**
 * A receipt's OCR text as lines: each with its amounts and a label classified as total,
 * subtotal, tax, payment or change, as OCR tends to misspell them. Pure.
 */
import { AmountToken, findAmounts, repairNumbers } from './receipt-amounts';

/** One non-empty line of the OCR text, with its amounts and what its label says it is. */
export interface Line {
  index: number;
  raw: string;
  /** The line with OCR digit confusions repaired. */
  text: string;
  amounts: AmountToken[];
  /** Upper-case label before the first amount, letters and a few signs only ("TOTALDUE"). */
  label: string;
  kind: LineKind;
}

export type LineKind = 'grand-total' | 'total' | 'weak-total' | 'subtotal' | 'tax' | 'card' | 'cash' | 'change' | 'other';

/** O→[O0], L→[L1I|]…: label words as OCR tends to misspell them. */
function fuzzy(word: string): string {
  const classes: Record<string, string> = { O: '[O0Q]', L: '[L1I|]', I: '[I1L|]', S: '[S5]', B: '[B8]', E: '[EF]' };
  return [...word].map((c) => classes[c] ?? c).join('');
}
const TOTAL = fuzzy('TOTAL');
const re = (source: string) => new RegExp(source);

const NOT_TOTAL = re(
  `SUB-?${TOTAL}|${TOTAL}(?:QTY|QUANTITY|ITEM|ARTICLE|DISC|SAVING|TAX|GST|VAT|SST|EXCL|BEFORE|NUMBER|NO\\b|PCS|UNITS|WEIGHT)|SUPPL|EXVAT|EX\\.VAT|EXCL|BEFORETAX|ROUNDING|ROUNDADJ|NOOFITEMS|POINTS|SAVED|YOUSAVED|INCLUDES|\\d%(?:GST|TAX|VAT|SST)$`,
);
const GRAND_TOTAL = re(
  [
    `GRAND${TOTAL}`, `${TOTAL}DUE`, `AMOUNTDUE`, `AMTDUE`, `BALANCEDUE`, `${TOTAL}TOPAY`, `${TOTAL}PAYABLE`, `AMTPAYABLE`,
    `AMOUNTPAYABLE`, `NETT?${TOTAL}`, `ROUNDED${TOTAL}`, `${TOTAL}ROUNDED`, `${TOTAL}AFTER`, `${TOTAL}TTC`, `MONTANTTTC`,
    `NETAPAYER`, `APAYER`, `${TOTAL}\\(?(?:RM|MYR|EUR|USD|GBP|JPY)\\)?$`, `${TOTAL}AMOUNT`, `${TOTAL}AMT`, `${TOTAL}INCL`,
    `${TOTAL}SALES`, `${TOTAL}SALE`, `合計`, `G[O0]KEI`, `SUMME`, `ZUZAHLEN`, `GESAMTBETRAG`, `${TOTAL}EUR`,
    `${TOTAL}\\(INCL`, `INVOICE${TOTAL}`, `${TOTAL}CHARGE`,
  ].join('|'),
);
const PLAIN_TOTAL = re(`^.{0,3}${TOTAL}|^.{0,3}T[O0]TA|^.{0,3}[O0]TAL$|GESAMT|TOTALE`);
const WEAK_TOTAL = re(`^.{0,3}(?:AMOUNT|MONTANT|BALANCE|BETRAG|NETAMOUNT|PAYMENT|PAYABLE)`);
const SUBTOTAL = re(`SUB-?${TOTAL}|SOUS${TOTAL}|ZWISCHENSUMME|SUBT[O0]TA`);
const CARD = re(
  `VISA|MASTER|MASTERCARD|AMEX|AMERICANEXPRESS|JCB|DINERS|DISCOVER|CONTACTLESS|CREDIT|DEBIT|CARD|KARTE|CARTE|^CB|EFTPOS|MAESTRO|UNIONPAY|PAYWAVE|APPLEPAY|GOOGLEPAY|EC-?CASH|GIROCARD`,
);
const CASH = re(`^.{0,2}(?:CASH|TENDER|ESP[EÈ]CES|BAR(?:GELD)?$|GEGEBEN|TUNAI|PAID|BAYAR|RECEIVED|AMOUNTTENDERED|CASHPAID)`);
const CHANGE = re(`CHANGE|RENDU|RÜCKGELD|RUCKGELD|WECHSELGELD|BAKI|KEMBALIAN|お釣り|釣銭|おつり`);
const TAX = re(
  `TAX|VAT|GST|SST|MWST|UST|TVA|IVA|消費税|内税|税`,
);
const NOT_TAX = re(
  `TAXINVOICE|INVOICE|(?:GST|VAT|SST|TAX|UST)-?(?:ID|REG|NO|NUMBER|#|IDNO|REGNO)|REGNO|SUMMARY|TAXCODE|TAX\\(|CODE|EXCL|EXVAT|BEFORE`,
);

function compactLabel(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9%()\-|&.#@\u3040-\u30ff\u4e00-\u9fff]/g, '');
}

function classify(label: string, hasAmounts: boolean): LineKind {
  if (!label) return 'other';
  if (SUBTOTAL.test(label)) return 'subtotal';
  if (CHANGE.test(label)) return 'change';
  if (!NOT_TOTAL.test(label)) {
    if (GRAND_TOTAL.test(label)) return 'grand-total';
    if (PLAIN_TOTAL.test(label)) return 'total';
  }
  if (TAX.test(label) && !NOT_TAX.test(label) && !/^.{0,3}T[O0]TAL(?!TAX|GST|VAT|SST)/.test(label)) return 'tax';
  if (CASH.test(label)) return 'cash';
  if (CARD.test(label) && hasAmounts) return 'card';
  if (!NOT_TOTAL.test(label) && WEAK_TOTAL.test(label)) return 'weak-total';
  return 'other';
}

/** The text's non-empty lines, numbers repaired, amounts found and labels classified. */
export function toLines(text: string): Line[] {
  return text
    .split(/\r?\n/)
    .map((raw) => raw.replace(/\s+/g, ' ').trim())
    .filter((raw) => raw.length > 0)
    .map((raw, index) => {
      const repaired = repairNumbers(raw);
      const amounts = findAmounts(repaired);
      const labelEnd = amounts.length ? amounts[0].start : repaired.length;
      const label = compactLabel(repaired.slice(0, labelEnd));
      return { index, raw, text: repaired, amounts, label, kind: classify(label, amounts.length > 0) };
    });
}
