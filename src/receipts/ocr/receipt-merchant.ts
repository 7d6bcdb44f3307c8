/**
 * The shop's name among a receipt's first lines. Pure.
 */
import type { Line } from './receipt-lines';

const PREHEADER = new RegExp(
  [
    'CUSTOMER COPY', 'MERCHANT COPY', 'CUSTOMER\'?S COPY', 'DUPLICATE', 'REPRINT', 'WELCOME', 'BIENVENUE', 'WILLKOMMEN',
    'TAX INVOICE', 'SIMPLIFIED TAX INVOICE', 'INVOICE', 'RECEIPT', 'SALES RECEIPT', 'CASH SALES?', 'OFFICIAL RECEIPT',
    'TICKET DE CAISSE', 'TICKET', 'KASSENBON', 'QUITTUNG', 'RECHNUNG', 'FACTURE', 'ORDER', 'THANK YOU', 'COPY',
    'STORE\\s*#?\\s*\\d*', 'MAGASIN\\s*\\d*', 'FILIALE\\s*\\d*', 'BRANCH\\s*\\d*', 'REG(?:ISTER)?\\s*#?\\s*\\d*',
  ].join('|'),
  'i',
);
const CONTACT_OR_ID = new RegExp(
  [
    '\\b(?:TEL|PHONE|FAX|HP|MOBILE|EMAIL|E-MAIL|WWW|HTTP|TÉL|TEK|TELEPHONE)\\b', '@', '\\.COM\\b',
    '\\b(?:GST|VAT|SST|TAX|CO|COMPANY|BUSINESS|ROC|SIRET|SIREN|ABN|UST-?ID|STEUER)\\s*\\.?\\s*(?:ID|REG|NO|NUMBER|#)',
    '\\b(?:DATE|TIME|CASHIER|RECEIPT\\s*#|INVOICE\\s*#|TABLE|SERVER)\\b', '^[\\d\\s\\-/,.#()]+$',
  ].join('|'),
  'i',
);
/** A street line starts with a house number or names a street type next to a number; a city line has a postcode. */
const ADDRESS = new RegExp(
  [
    '^\\s*(?:NO\\.?\\s*)?\\d+[A-Z]?\\b[\\s,-]', '^\\s*(?:LOT|NO\\.|BLOCK|UNIT|SUITE)\\b',
    '\\b(?:JALAN|JLN|LORONG|TAMAN|PERSIARAN|KAMPUNG)\\b',
    '\\b(?:STREET|ST\\.?|ROAD|RD\\.?|AVENUE|AVE\\.?|BLVD|LANE|DRIVE|DR\\.?|RUE|STRASSE|STR\\.|PLACE|SQUARE|HIGHWAY|WAY)\\b.*\\d|\\d.*\\b(?:STREET|ST|ROAD|RD|AVENUE|AVE|BLVD|LANE|DRIVE|RUE|STRASSE|PLACE|SQUARE|HIGHWAY|WAY)\\b',
    '\\b\\d{4,6}\\b', '\\b[A-Z]{1,2}\\d[A-Z\\d]?\\s\\d[A-Z]{2}\\b', '\\b[A-Z]{2}\\s\\d{5}\\b',
  ].join('|'),
  'i',
);
/** Forms of a legal entity: the SROIE merchant is the line that carries one. */
const LEGAL_FORM =
  /\b(?:S[DO0]N\b|BHD|BERHAD|[S5]\/B|ENTERPRISES?|TRADING|SYARIKAT|PERNIAGAAN|HOLDINGS|LTD|LIMITED|LLC|INC|CORP|GMBH|SARL|PLC|CO\.|\(M\))(?=\W|$)/i;
/** Words shop names are made of. */
const SHOP_WORD =
  /\b(?:RESTAURANT|RESTORAN|MART|MARKET|SUPERMARKET|STORE|HARDWARE|PHARMACY|BAKERY|BAKERIES|CAFE|KEDAI|STATIONERY|STATIONERS|BOOKS?|BOOKSTORE|ELECTRICAL|DINER|GRILL|DELI|KITCHEN|GROCERS?|CHEMIST|PHARMACIE|BOULANGERIE|BRASSERIE|LIBRAIRIE|EPICERIE|DRUGSTORE|ELECTRONICS|SHOP|BAR)\b/i;

/**
 * The shop's name: among the first lines, the first that reads like a name rather than a
 * preheader ("CUSTOMER COPY"), an address, a phone or a registration number; a line with a
 * legal form (SDN BHD, LTD, ENTERPRISE …) wins over plainer ones near it.
 */
export function findMerchant(lines: Line[]): { name: string; confidence: number } | null {
  const head = lines.slice(0, 10);
  let best: { name: string; score: number } | null = null;
  head.forEach((line, position) => {
    const name = cleanMerchant(line.raw);
    const letters = name.replace(/[^\p{L}]/gu, '');
    if (letters.length < 3 || letters.length / Math.max(1, name.replace(/\s/g, '').length) < 0.55) return;
    if (PREHEADER.test(name) && name.replace(PREHEADER, '').replace(/[^\p{L}]/gu, '').length < 3) return;
    // A registration number beside the name, "(001451637-M)", marks the legal entity too.
    const legal = LEGAL_FORM.test(name) || /\(\s*\d{5,}[\s-]*[A-Z]\s*\)/i.test(line.raw);
    if (CONTACT_OR_ID.test(line.raw) && !legal) return;
    if (ADDRESS.test(line.raw) && !legal) return;
    if (line.amounts.some((a) => a.decimals === 2)) return;
    const words = name.split(' ').filter((w) => /\p{L}{2,}/u.test(w));
    if (!words.length) return;
    // OCR garbage ("ee a Se oo") is many short fragments.
    const shortWords = words.filter((w) => w.replace(/[^\p{L}]/gu, '').length <= 2).length;
    if (shortWords / words.length > 0.5) return;
    let score = 3 - position * 0.35;
    if (legal) score += 2;
    if (/\bS[DO0]N\b|BERHAD|\bBHD\b|\b[S5]\/B\b/i.test(name)) score += 1;
    // Random letters from a logo or stamp: "abriede BEER io LEER aL".
    if (words.some((w) => /\p{Ll}\p{Lu}/u.test(w))) score -= 1.5;
    if (SHOP_WORD.test(name)) score += 0.5;
    if (name === name.toUpperCase()) score += 0.3;
    const next = head[position + 1];
    const joined = /[&-]\s*$/.test(line.raw) && next ? `${name} ${line.raw.trim().slice(-1)} ${cleanMerchant(next.raw)}` : name;
    if (!best || score > best.score) best = { name: joined, score };
  });
  if (!best) return null;
  const found: { name: string; score: number } = best;
  return { name: found.name, confidence: Math.max(0.3, Math.min(0.9, 0.45 + found.score / 10)) };
}

function cleanMerchant(raw: string): string {
  return raw
    .replace(/\([^()]*\d{4,}[^()]*\)?/g, '') // company number "(867388-U)", "(119386 X)"
    .replace(/\(?\b\d{3,}[\s-]*[A-Z]?\)?\s*$/i, '')
    .replace(/^[^\p{L}\d'"(]+|[^\p{L}\d.)']+$/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}
