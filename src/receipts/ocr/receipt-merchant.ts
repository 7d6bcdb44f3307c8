/**
 * The shop's name among a receipt's first lines. Pure.
 */
import type { Line } from './receipt-lines';

const PREHEADER = new RegExp(
  [
    'CUSTOMER COPY',
    'MERCHANT COPY',
    "CUSTOMER'?S COPY",
    'DUPLICATE',
    'REPRINT',
    'WELCOME',
    'BIENVENUE',
    'WILLKOMMEN',
    'TAX INVOICE',
    'SIMPLIFIED TAX INVOICE',
    'INVOICE',
    'RECEIPT',
    'SALES RECEIPT',
    'CASH SALES?',
    'OFFICIAL RECEIPT',
    'TICKET DE CAISSE',
    'TICKET',
    'KASSENBON',
    'QUITTUNG',
    'RECHNUNG',
    'FACTURE',
    'ORDER',
    'THANK YOU',
    'COPY',
    'STORE\\s*#?\\s*\\d*',
    'MAGASIN\\s*\\d*',
    'FILIALE\\s*\\d*',
    'BRANCH\\s*\\d*',
    'REG(?:ISTER)?\\s*#?\\s*\\d*',
    // "TAX IMVOICE", "TAX BYOICE", "TAXINVOGE": the invoice heading as OCR misreads it.
    'TAX\\s*\\S{0,3}[VY]O\\S{0,2}[CG]E',
  ].join('|'),
  'i',
);
const CONTACT_OR_ID = new RegExp(
  [
    '\\b(?:TEL|PHONE|FAX|HP|MOBILE|EMAIL|E-MAIL|WWW|HTTP|TÉL|TEK|TELEPHONE)\\b',
    '@',
    '\\.COM\\b',
    '\\b(?:GST|VAT|SST|TAX|CO|COMPANY|BUSINESS|ROC|SIRET|SIREN|ABN|UST-?ID|STEUER)\\s*\\.?\\s*(?:ID|REG|NO|NUMBER|#)',
    '\\b(?:DATE|TIME|CASHIER|RECEIPT\\s*#|INVOICE\\s*#|TABLE|SERVER)\\b',
    '^[\\d\\s\\-/,.#()]+$',
  ].join('|'),
  'i',
);
/** A street line starts with a house number or names a street type next to a number; a city line has a postcode. */
const ADDRESS = new RegExp(
  [
    '^\\s*(?:NO\\.?\\s*)?\\d+[A-Z]?\\b[\\s,-]',
    '^\\s*(?:LOT|NO\\.|BLOCK|UNIT|SUITE)\\b',
    '\\b(?:JALAN|JLN|LORONG|TAMAN|PERSIARAN|KAMPUNG)\\b',
    '\\b(?:STREET|ST\\.?|ROAD|RD\\.?|AVENUE|AVE\\.?|BLVD|LANE|DRIVE|DR\\.?|RUE|STRASSE|STR\\.|PLACE|SQUARE|HIGHWAY|WAY)\\b.*\\d|\\d.*\\b(?:STREET|ST|ROAD|RD|AVENUE|AVE|BLVD|LANE|DRIVE|RUE|STRASSE|PLACE|SQUARE|HIGHWAY|WAY)\\b',
    '\\b\\d{4,6}\\b',
    '\\b[A-Z]{1,2}\\d[A-Z\\d]?\\s\\d[A-Z]{2}\\b',
    '\\b[A-Z]{2}\\s\\d{5}\\b',
  ].join('|'),
  'i',
);
/** Forms of a legal entity: the SROIE merchant is the line that carries one. "5/8", "§/B": S/B misread. */
const LEGAL_FORM =
  /\b(?:S[DO0][NM]\b|BHD|BERHAD|[S5§]\/[B8]|ENTERPRISES?|TRADING|SYARIKAT|PERNIAGAAN|HOLDINGS|LTD|LIMITED|LLC|INC|CORP|GMBH|SARL|PLC|CO\.|\(M\))(?=\W|$)|§\/[B8]/i;
/** A registration number beside the name, "(001451637-M)", "(519537-1)", marks the legal entity too. */
const REGISTRATION = /\(\s*[A-Z]{0,3}\d{5,}[\s-]*[A-Z0-9]\s*\)/i;
/** Words shop names are made of. */
const SHOP_WORD =
  /\b(?:RESTAURANT|RESTORAN|MART|MARKET|SUPERMARKET|STORE|HARDWARE|PHARMACY|BAKERY|BAKERIES|CAFE|KEDAI|STATIONERY|STATIONERS|BOOKS?|BOOKSTORE|ELECTRICAL|DINER|GRILL|DELI|KITCHEN|GROCERS?|CHEMIST|PHARMACIE|BOULANGERIE|BRASSERIE|LIBRAIRIE|EPICERIE|DRUGSTORE|ELECTRONICS|SHOP|BAR)\b/i;
/** "Owned by:", "operated by": the entity after it owns the shop named above it. */
const OWNER_MARK = /\b(?:\w*NED|OPERATED|MANAGED|MAINTAINED)\s+BY\b|\bA\s+(?:DIVISION|MEMBER|SUBSIDIARY|UNIT)\s+OF\b/i;
/** The footer that names the shop: "Thank you for shopping at X", "… shopping with X". */
const FOOTER_NAME = /\b(?:SHOPPING|DINING)\s+(?:AT|WITH)\b\s*(.*)$/i;

/** How many lines from the top hold the name (garbage lines from a logo not counted). */
const HEAD_LINES = 10;

interface Scored {
  name: string;
  score: number;
}

/**
 * The shop's name: among the first lines, the first that reads like a name rather than a
 * preheader ("CUSTOMER COPY"), an address, a phone or a registration number; a line with a
 * legal form (SDN BHD, LTD, ENTERPRISE …) wins over plainer ones near it, unless an "owned
 * by" line says it is the owner. A name printed over two or three lines is joined. The footer's
 * "thank you for shopping at X" confirms a header line that shares its words.
 */
export function findMerchant(lines: Line[]): { name: string; confidence: number } | null {
  const footer = footerName(lines);
  let best: Scored | null = null;
  let position = 0;
  let ownerAt = -Infinity;
  // The name is printed above the money: stop at the first total, payment or change line.
  const moneyStarts = lines.findIndex(
    (l) => l.kind !== 'other' && l.kind !== 'tax' && l.kind !== 'weak-total' && l.amounts.length > 0,
  );
  const end = moneyStarts < 0 ? lines.length : moneyStarts;
  for (let i = 0; i < end && position < HEAD_LINES; i++) {
    const line = lines[i];
    if (OWNER_MARK.test(line.raw)) ownerAt = i;
    const candidate = scoreLine(lines, i, position);
    if (candidate === 'garbage') continue;
    position++;
    if (!candidate) continue;
    if (i - ownerAt <= 2) candidate.score -= 3;
    if (footer && sharedWords(candidate.name, footer) > 0) candidate.score += 1.5;
    if (!best || candidate.score > best.score) best = candidate;
  }
  // A header no better than a lone word or a line far down loses to the footer's name.
  if (footer && (!best || best.score < 2.5)) best = { name: footer, score: 2.5 };
  if (!best) return null;
  const found: Scored = best;
  return { name: normaliseLegalForm(found.name), confidence: Math.max(0.3, Math.min(0.9, 0.45 + found.score / 10)) };
}

/** A line's score as the name; null when it is not a name; 'garbage' for OCR noise (not counted as a line). */
function scoreLine(lines: Line[], i: number, position: number): Scored | null | 'garbage' {
  const line = lines[i];
  const name = cleanMerchant(line.raw);
  const letters = name.replace(/[^\p{L}]/gu, '');
  if (letters.length < 3 || letters.length / Math.max(1, name.replace(/\s/g, '').length) < 0.55) return 'garbage';
  const words = name.split(' ').filter((w) => /\p{L}{2,}/u.test(w));
  if (!words.length) return 'garbage';
  // OCR garbage ("ee a Se oo", "Ao2pkb f") is many short fragments, or letters mixed with digits.
  const shortWords = words.filter((w) => w.replace(/[^\p{L}]/gu, '').length <= 2).length;
  const mixed = words.filter((w) => /\p{L}\d|\d\p{L}/u.test(w) && !/^\d+[A-Z]?$/i.test(w)).length;
  if (shortWords / words.length > 0.5 || mixed / words.length > 0.3) return 'garbage';
  const wordLetters = words.join('').replace(/[^\p{L}]/gu, '').length;
  if (words.length === 1 && wordLetters < 4) return 'garbage';
  const preheader = PREHEADER.test(name);
  if (preheader && name.replace(PREHEADER, '').replace(/[^\p{L}]/gu, '').length < 3) return null;
  const legal = LEGAL_FORM.test(name) || REGISTRATION.test(line.raw);
  if (CONTACT_OR_ID.test(line.raw) && !legal) return null;
  if (ADDRESS.test(line.raw) && !legal) return null;
  if (line.amounts.some((a) => a.decimals === 2)) return null;

  let score = 3 - position * 0.35;
  if (legal) score += 2;
  if (/\bS[DO0][NM]\b|BERHAD|\bBHD\b|\b[S5§]\/[B8]\b/i.test(name)) score += 1;
  // Random letters from a logo or stamp: "abriede BEER io LEER aL".
  if (words.some((w) => /\p{Ll}\p{Lu}/u.test(w))) score -= 1.5;
  // A lone short word at the top is as often a logo read as letters ("Rodos", "gio").
  if (words.length === 1 && wordLetters <= 5) score -= 1;
  // "Store 042" with OCR noise around it ("A » Store 042 23 er") is still the store number line.
  if (preheader && !legal) score -= 1.5;
  if (SHOP_WORD.test(name)) score += 0.5;
  if (name === name.toUpperCase()) score += 0.3;
  return { name: joinedName(lines, i, name), score };
}

/**
 * A name printed over several lines: "PASARAYA BORONG PINTAR" above "SDN BHD", or
 * "AIK HUAT HARDWARE" / "ENTERPRISE (SETIA" / "ALAM) SDN BHD". A line that is only a legal
 * form, or that closes a parenthesis it did not open, continues the lines above it.
 */
function joinedName(lines: Line[], i: number, name: string): string {
  let joined = name;
  for (let back = 1; back <= 2 && i - back >= 0; back++) {
    const unbalanced = (joined.match(/\)/g)?.length ?? 0) > (joined.match(/\(/g)?.length ?? 0);
    const onlyLegal = joined.replace(new RegExp(LEGAL_FORM.source, 'gi'), '').replace(/[^\p{L}]/gu, '').length < 3;
    if (!unbalanced && !onlyLegal) break;
    const above = lines[i - back];
    if (CONTACT_OR_ID.test(above.raw) || ADDRESS.test(above.raw) || above.amounts.length) break;
    joined = `${cleanMerchant(above.raw)} ${joined}`;
  }
  const next = lines[i + 1];
  if (/[&-]\s*$/.test(lines[i].raw) && next)
    joined = `${joined} ${lines[i].raw.trim().slice(-1)} ${cleanMerchant(next.raw)}`;
  return joined;
}

/** The name in "Thank you for shopping at X" (X may run on to the next line, in capitals). */
function footerName(lines: Line[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = FOOTER_NAME.exec(lines[i].raw);
    if (!m) continue;
    let name = cleanMerchant(m[1]);
    const next = lines[i + 1];
    if (
      next &&
      name === name.toUpperCase() &&
      next.raw === next.raw.toUpperCase() &&
      next.raw.split(/\s+/).length <= 4 &&
      !next.amounts.length
    ) {
      name = `${name} ${cleanMerchant(next.raw)}`.trim();
    }
    return name.replace(/[^\p{L}]/gu, '').length >= 3 ? name : null;
  }
  return null;
}

function sharedWords(a: string, b: string): number {
  const words = (s: string) =>
    new Set(
      s
        .toUpperCase()
        .split(/[^\p{L}\d]+/u)
        .filter((w) => w.length >= 3),
    );
  const other = words(b);
  return [...words(a)].filter((w) => other.has(w)).length;
}

/** "SON BHD", "SDM BHD", "5/8": the legal form as OCR misreads it, put right. */
function normaliseLegalForm(name: string): string {
  return name
    .replace(/\bS[DO0][NM]\.?\s+B[HN][DO0]\b/gi, 'SDN BHD')
    .replace(/(?<![\p{L}\d])[S5§]\/[B8](?![\p{L}\d])/gu, 'S/B');
}

function cleanMerchant(raw: string): string {
  return raw
    .replace(/\([^()]*\d{4,}[^()]*\)?/g, '') // company number "(867388-U)", "(119386 X)"
    .replace(/\(?\b\d{3,}[\s-]*[A-Z]?\)?\s*$/i, '')
    .replace(/^[^\p{L}\d'"(]+|[^\p{L}\d.)']+$/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}
