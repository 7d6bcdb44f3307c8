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
  /**
   * Upper-case label: the text before the line's last amount without the amounts in it,
   * letters and a few signs only ("TOTALDUE"; "3 GRAND TOTAL 1000" gives "GRANDTOTAL").
   */
  label: string;
  kind: LineKind;
}

export type LineKind =
  'grand-total' | 'total' | 'weak-total' | 'subtotal' | 'rounding' | 'tax' | 'card' | 'cash' | 'change' | 'other';

/** O→[O0], L→[L1I|]…: label words as OCR tends to misspell them. */
function fuzzy(word: string): string {
  const classes: Record<string, string> = {
    T: '[TY]',
    O: '[O0Q]',
    L: '[L1I|]',
    I: '[I1L|]',
    S: '[S5]',
    B: '[B8]',
    E: '[EF]',
  };
  return [...word].map((c) => classes[c] ?? c).join('');
}
const TOTAL = fuzzy('TOTAL');
const re = (source: string) => new RegExp(source);

const NOT_TOTAL = re(
  `SUB-?${TOTAL}|${TOTAL}(?:QTY|QUANTITY|ITEM|ARTICLE|DISC|SAVING|TAX|GST|VAT|SST|EXCL|BEFORE|NUMBER|NO\\b|PCS|UNITS|WEIGHT|INCLUDED)|SUPPL|EXVAT|EX\\.VAT|EXCL|BEFORETAX|ROUNDING|ROUNDADJ|NOOFITEMS|POINTS|SAVED|YOUSAVED|INCLUDES|INCLUDEDIN|${TOTAL}PAID|\\d%(?:GST|TAX|VAT|SST)$`,
);
const GRAND_TOTAL = re(
  [
    `GRAND${TOTAL}`,
    `${TOTAL}DUE`,
    `AMOUNTDUE`,
    `AMTDUE`,
    `BALANCEDUE`,
    `${TOTAL}TOPAY`,
    `${TOTAL}PAYABLE`,
    `AMTPAYABLE`,
    `AMOUNTPAYABLE`,
    `NETT?${TOTAL}`,
    `ROUNDED${TOTAL}`,
    `${TOTAL}ROUNDED`,
    `${TOTAL}AFTER`,
    `${TOTAL}TTC`,
    `MONTANTTTC`,
    `NETAPAYER`,
    `APAYER`,
    `${TOTAL}\\(?(?:RM|MYR|EUR|USD|GBP|JPY)\\)?$`,
    `${TOTAL}AMOUNT`,
    `${TOTAL}AMT`,
    `${TOTAL}INCL`,
    `${TOTAL}SALES`,
    `${TOTAL}SALE`,
    `合計`,
    `G[O0]KEI`,
    `SUMME`,
    `ZUZAHLEN`,
    `GESAMTBETRAG`,
    `${TOTAL}EUR`,
    `${TOTAL}\\(INCL`,
    `INVOICE${TOTAL}`,
    `${TOTAL}CHARGE`,
    `TOBEPAID`,
    `AMOUNTTOPAY`,
    `FINAL${TOTAL}`,
  ].join('|'),
);
const PLAIN_TOTAL = re(`^.{0,3}${TOTAL}|^.{0,3}T[O0]TA|^.{0,3}[O0]TAL$|GESAMT|TOTALE`);
const WEAK_TOTAL = re(`^.{0,3}(?:AMOUNT|MONTANT|BALANCE|BETRAG|NETAMOUNT|PAYMENT|PAYABLE)`);
const SUBTOTAL = re(`SUB-?${TOTAL}|SOUS${TOTAL}|ZWISCHENSUMME|SUBT[O0]TA`);
/** Card words, tested on the spaced label: "CARTE" inside "ALACARTE" is no card. */
const CARD =
  /VISA|MASTER\s?CARD|AMEX|AMERICAN\s?EXPRESS|\bJCB\b|DINERS|DISCOVER|CONTACTLESS|CREDIT|DEBIT|\bCARD\b|\bKARTE\b|\bCARTE\b|^\W*CB\b|EFTPOS|MAESTRO|UNIONPAY|PAYWAVE|APPLE\s?PAY|GOOGLE\s?PAY|EC-?CASH|GIROCARD/;
const CASH = re(
  `${TOTAL}PAID|AMOUNTPAID|^.{0,2}(?:CASH(?!IER)|TENDER|ESP[EÈ]CES|BAR(?:GELD)?$|GEGEBEN|TUNAI|PAID|BAYAR|RECEIVED|AMOUNTTENDERED|CASHPAID)`,
);
// "CHAN", "CHENGE", "CHANBE": the change line is where OCR mangles the word most.
const CHANGE = re(
  `CHANGE|^.{0,3}CH[AE]N(?:GE?|BE)?$|CH[AE]NGE|RENDU|RÜCKGELD|RUCKGELD|WECHSELGELD|BAKI|KEMBALIAN|お釣り|釣銭|おつり`,
);
/** "Rounding Adj", "Round Adj", "FOUNDING ADJUSTMENT" (R read as F), "Arrondi", "Rundung". */
const ROUNDING = re(`^.{0,3}[RF][O0]UND(?:ING|ADJ|ADJUST)|ARRONDI|RUNDUNG`);
/** Tax words; the short ones only as words of their own ("UST" is in ADJUSTMENT and INDUSTRIAL). */
const TAX = /TAX|VAT|GST|SST|MWST|(?<![A-Z])(?:UST|TVA|IVA)(?![A-Z])|消費税|内税|税/;
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

/** `label` is compacted; `words` is the same text with its spaces, for whole-word tests. */
function classify(label: string, words: string, hasAmounts: boolean): LineKind {
  if (!label) return 'other';
  if (SUBTOTAL.test(label)) return 'subtotal';
  if (CHANGE.test(label)) return 'change';
  if (!NOT_TOTAL.test(label)) {
    if (GRAND_TOTAL.test(label)) return 'grand-total';
    if (PLAIN_TOTAL.test(label)) return 'total';
  }
  if (ROUNDING.test(label)) return 'rounding';
  if (TAX.test(words) && !NOT_TAX.test(label) && !/^.{0,3}T[O0]TAL(?!TAX|GST|VAT|SST|INCLUDED)/.test(label))
    return 'tax';
  if (CASH.test(label)) return 'cash';
  if (CARD.test(words) && hasAmounts) return 'card';
  if (!NOT_TOTAL.test(label) && WEAK_TOTAL.test(label)) return 'weak-total';
  return 'other';
}

/** The text before the last amount, amounts cut out: "3 GRAND TOTAL 1000" labels "GRAND TOTAL". */
function labelText(text: string, amounts: AmountToken[]): string {
  if (!amounts.length) return text;
  let out = '';
  let from = 0;
  for (const a of amounts) {
    out += `${text.slice(from, a.start)} `;
    from = a.end;
  }
  return out;
}

/** The text's non-empty lines, numbers repaired, amounts found and labels classified. */
export function toLines(text: string): Line[] {
  const ringgit = /(?<![A-Za-z])RM(?![a-z])|\bS[DO0]N\.?\s*B[HN]D\b|\bBERHAD\b|\bMALAYSIA\b/i.test(text);
  const raws = text
    .split(/\r?\n/)
    .map((raw) => raw.replace(/\s+/g, ' ').trim())
    .filter((raw) => raw.length > 0);
  return raws.map((raw, index) => {
    const repaired = repairNumbers(raw, { ringgit });
    const amounts = findAmounts(repaired);
    const labelWords = labelText(repaired, amounts);
    const label = compactLabel(labelWords);
    const spaced = labelWords
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase();
    return { index, raw, text: repaired, amounts, label, kind: classify(label, spaced, amounts.length > 0) };
  });
}
