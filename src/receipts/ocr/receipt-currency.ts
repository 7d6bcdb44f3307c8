/**
 * Which currency a receipt is in, from what it prints: a symbol or code beside the amounts when
 * there is one, otherwise locale cues (addresses, tax names, number style). Pure, no I/O.
 */
import { AmountToken } from './receipt-amounts';

export interface CurrencyGuess {
  code: string | null;
  /** 0..1: a marker printed on the amounts is near-certain; cues alone are weaker. */
  confidence: number;
}

type Scores = Map<string, number>;

const MARKER_CURRENCY: Record<string, string> = {
  '€': 'EUR',
  EUR: 'EUR',
  '£': 'GBP',
  GBP: 'GBP',
  '¥': 'JPY',
  JPY: 'JPY',
  RM: 'MYR',
  MYR: 'MYR',
  USD: 'USD',
  SGD: 'SGD',
  AUD: 'AUD',
  CAD: 'CAD',
  CHF: 'CHF',
};

interface Cue {
  currency: string;
  pattern: RegExp;
  weight: number;
}

const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY';

/** Locale cues; each pattern counts once per receipt. */
const CUES: Cue[] = [
  // Malaysia: legal forms, address words, states, tax registrations.
  { currency: 'MYR', pattern: /\bS[DO0]N\.?\s*B[HN]D\b|\bBERHAD\b/i, weight: 3 },
  { currency: 'MYR', pattern: /\b(?:JALAN|JLN|TAMAN|LORONG|PERSIARAN|KAMPUNG|BANDAR)\b/i, weight: 2 },
  {
    currency: 'MYR',
    pattern:
      /\b(?:SELANGOR|KUALA LUMPUR|JOHOR|MALAYSIA|PUTRAJAYA|PENANG|PULAU PINANG|PERAK|KEDAH|MELAKA|NEGERI SEMBILAN|PAHANG|TERENGGANU|KELANTAN|SABAH|SARAWAK|SHAH ALAM|PETALING JAYA|SUBANG|PUCHONG|KLANG|DARUL EHSAN|DARUL TAKZIM)\b/i,
    weight: 3,
  },
  { currency: 'MYR', pattern: /\bGST\s*(?:ID|REG|NO)|\bSST\b|\(RM\)|\bRM\b/i, weight: 2 },
  { currency: 'MYR', pattern: /\bROUNDING\b|\bTUNAI\b|\bBAKI\b|\bTERIMA KASIH\b/i, weight: 1 },
  // Japan
  { currency: 'JPY', pattern: /合計|消費税|税込|円|\bGOKEI\b|\bYEN\b/i, weight: 3 },
  {
    currency: 'JPY',
    pattern:
      /\bCONSUMPTION TAX\b|\bJAPAN\b|\b(?:TOKYO|OSAKA|KYOTO|YOKOHAMA|NAGOYA|SAPPORO|FUKUOKA|KOBE)\b|\b[A-Z]+-KU\b/i,
    weight: 3,
  },
  // Euro area: French, German, Irish, Spanish, Italian, Dutch receipts.
  {
    currency: 'EUR',
    pattern: /\b(?:SUMME|MWST|UST|ZU ZAHLEN|BETRAG|GESAMT|RÜCKGELD|RUCKGELD|DANKE|STRASSE|STRAßE)\b/i,
    weight: 3,
  },
  {
    currency: 'EUR',
    pattern: /\b(?:TTC|TVA|ESP[EÈ]CES|RENDU|MERCI|BIENVENUE|RUE|TICKET DE CAISSE|SIRET|MAGASIN|CAISSE|BIENT[OÔ]T)\b/i,
    weight: 3,
  },
  { currency: 'EUR', pattern: /\b(?:IVA|TOTALE|GRAZIE|GRACIAS|BEDANKT|TOTAAL|BTW)\b/i, weight: 3 },
  {
    currency: 'EUR',
    pattern:
      /\bVAT\s*(?:REG\.?\s*)?(?:NO|NUMBER)?\.?\s*:?\s*IE\s?\d|\bDUBLIN\b|\bCORK\b|\bGALWAY\b|\bIRELAND\b|\bGO RAIBH MAITH\b/i,
    weight: 4,
  },
  { currency: 'EUR', pattern: /\b[AC-FHKNPRTV-Y]\d{2}\s?[0-9AC-FHKNPRTV-Y]{4}\b/, weight: 1 },
  // United Kingdom
  { currency: 'GBP', pattern: /\bVAT\s*(?:REG\.?\s*)?(?:NO|NUMBER)?\.?\s*:?\s*GB\s?\d/i, weight: 4 },
  { currency: 'GBP', pattern: /\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Za-z]{2}\b/, weight: 2 },
  {
    currency: 'GBP',
    pattern:
      /\b(?:LONDON|MANCHESTER|BRISTOL|LEEDS|BIRMINGHAM|LIVERPOOL|GLASGOW|EDINBURGH|CARDIFF|BELFAST|OXFORD|CAMBRIDGE|SHEFFIELD|NOTTINGHAM|UNITED KINGDOM)\b/i,
    weight: 2,
  },
  { currency: 'GBP', pattern: /\bVAT\b/i, weight: 1 },
  // United States
  { currency: 'USD', pattern: new RegExp(String.raw`\b(?:${US_STATES})\s+\d{5}(?:-\d{4})?\b`), weight: 3 },
  { currency: 'USD', pattern: /\(\d{3}\)\s?\d{3}-\d{4}|\bSALES TAX\b|\bSTATE TAX\b|\bUSA\b/i, weight: 2 },
];

function add(scores: Scores, currency: string, weight: number): void {
  scores.set(currency, (scores.get(currency) ?? 0) + weight);
}

/**
 * Picks the currency. `$` alone is USD unless the receipt is Malaysian (ringgit receipts print
 * "$" too); amounts all without decimals point at yen.
 */
export function detectCurrency(text: string, amounts: AmountToken[]): CurrencyGuess {
  const markerScores: Scores = new Map();
  let dollars = 0;
  for (const token of amounts) {
    if (!token.marker) continue;
    if (token.marker === '$') dollars++;
    else if (MARKER_CURRENCY[token.marker]) add(markerScores, MARKER_CURRENCY[token.marker], 1);
  }
  // Symbols printed elsewhere (column headers, "TOTAL (RM)", a symbol OCR split off its amount).
  const looseSymbols: Array<[RegExp, string]> = [
    [/€/g, 'EUR'],
    [/£/g, 'GBP'],
    [/[¥￥]/g, 'JPY'],
  ];
  const cueScores: Scores = new Map();
  const localeScores: Scores = new Map();
  for (const [pattern, currency] of looseSymbols) {
    const count = text.match(pattern)?.length ?? 0;
    if (count) add(cueScores, currency, Math.min(count, 3));
  }
  for (const cue of CUES) {
    if (!cue.pattern.test(text)) continue;
    add(cueScores, cue.currency, cue.weight);
    add(localeScores, cue.currency, cue.weight);
  }

  const withDecimals = amounts.filter((a) => a.decimals === 2).length;
  const wholeLooking = amounts.filter((a) => a.decimals === 0 && (a.grouped || a.marker)).length;
  if (withDecimals === 0 && wholeLooking >= 1) add(cueScores, 'JPY', 3);
  const commaDecimals = amounts.filter((a) => a.decimalSeparator === ',').length;
  if (commaDecimals >= 2 && commaDecimals > withDecimals / 2) add(cueScores, 'EUR', 2);

  const malaysian = (cueScores.get('MYR') ?? 0) >= 3;
  if (dollars) add(markerScores, malaysian ? 'MYR' : 'USD', dollars);
  else if (/\$/.test(text)) add(cueScores, malaysian ? 'MYR' : 'USD', 1);

  const best = (scores: Scores): [string, number, number] | null => {
    const sorted = [...scores.entries()].sort((a, b) => b[1] - a[1]);
    if (!sorted.length) return null;
    return [sorted[0][0], sorted[0][1], sorted[1]?.[1] ?? 0];
  };

  const marked = best(markerScores);
  // "@9.99" read as "€9.99", a 7 read as "£": symbols that OCR made up, on a receipt whose
  // address, legal form and tax name all say another country. Then they only count as cues.
  const locale = best(localeScores);
  const contradicted = Boolean(
    marked && locale && locale[0] !== marked[0] && locale[1] >= 5 && !localeScores.get(marked[0]),
  );
  if (marked && !contradicted && marked[1] >= 2 && marked[1] > marked[2]) {
    return { code: marked[0], confidence: marked[2] === 0 ? 0.97 : 0.85 };
  }
  // A single marker is weighed together with the cues.
  if (marked) add(cueScores, marked[0], (contradicted ? 1 : 3) * marked[1]);
  const cued = best(cueScores);
  if (!cued || cued[1] < 2 || cued[1] === cued[2]) return { code: null, confidence: 0 };
  const margin = (cued[1] - cued[2]) / cued[1];
  return { code: cued[0], confidence: Math.min(0.9, 0.5 + 0.4 * margin) };
}
