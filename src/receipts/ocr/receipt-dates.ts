/**
 * Dates as receipts print them: ISO, day-first or month-first numbers, month names in English,
 * French, German and Malay, Japanese 年月日. Pure functions, no I/O.
 */

/** How to read an ambiguous "03/04/2024". */
export type DateOrder = 'day-first' | 'month-first';

export interface DateCandidate {
  iso: string;
  /** Line index in the receipt text. */
  line: number;
  /** The form was unambiguous (ISO, month name, or a part above 12). */
  unambiguous: boolean;
  /** The line carries a date label ("Date:", "Datum", "Tarikh", 日付). */
  labelled: boolean;
  /** A time of day is printed beside it ("12-01-19 21:13"), as receipts print the sale's moment. */
  timed: boolean;
  /** Day and month of one digit each with a two-digit year ("3-7-15"): as often a code as a date. */
  terse: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  janv: 1,
  janvier: 1,
  januar: 1,
  januari: 1,
  feb: 2,
  february: 2,
  fev: 2,
  fevr: 2,
  fevrier: 2,
  februar: 2,
  februari: 2,
  febr: 2,
  mar: 3,
  march: 3,
  mars: 3,
  marz: 3,
  maerz: 3,
  mac: 3,
  apr: 4,
  april: 4,
  avr: 4,
  avril: 4,
  may: 5,
  mai: 5,
  mei: 5,
  jun: 6,
  june: 6,
  juin: 6,
  juni: 6,
  jul: 7,
  july: 7,
  juil: 7,
  juillet: 7,
  juli: 7,
  julai: 7,
  aug: 8,
  august: 8,
  aout: 8,
  ogo: 8,
  ogos: 8,
  sep: 9,
  sept: 9,
  september: 9,
  septembre: 9,
  oct: 10,
  october: 10,
  octobre: 10,
  okt: 10,
  oktober: 10,
  nov: 11,
  november: 11,
  novembre: 11,
  dec: 12,
  december: 12,
  decembre: 12,
  dez: 12,
  dezember: 12,
  dis: 12,
  disember: 12,
};

/** A month word; its first letter may be a digit OCR misread ("0ct", "1an", "5ep"). */
const MONTH_WORD = String.raw`([A-Za-zÀ-ÿ015|][A-Za-zÀ-ÿ]{2,8})\.?`;
/** Date labels, and "Date" as OCR misreads it ("Dare:", "Dats", "fate", "TATE:") before a colon or digits. */
const LABEL = /\b(?:date|datum|tarikh|fecha|data)\b|日付|日時|\b[DdFfTt][Aa][TtRr][EeSs]\b\s*[:.;]?\s*\d/i;
/** "21:13", "14:03:22", "8.08.53" (a point only with seconds: "12.50" is a price). */
const TIME = /(?<![\d.])(?:[01]?\d|2[0-3])(?::[0-5]\d(?::[0-5]\d)?|\.[0-5]\d\.[0-5]\d)(?!\d)/;
const NOT_PURCHASE = /\b(?:exp(?:iry|ires|\.)?|valid|due|best before|warranty|member since|since)\b/i;

/**
 * Folds accents and case so "Févr." and "MÄRZ" find their month; then tries the word as OCR
 * misreads it: a J read as l, I, 1 or T ("lan", "1un"), a final l read as i or 1 ("Jui"),
 * O read as 0, S as 5 ("0ct", "5ep").
 */
function monthNumber(word: string): number | undefined {
  const key = word
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  if (MONTHS[key]) return MONTHS[key];
  const repaired = key
    .replace(/^[li1|t](?=[au])/, 'j')
    .replace(/(?<=^ju)[i1|]$/, 'l')
    .replace(/0/g, 'o')
    .replace(/^5/, 's');
  return MONTHS[repaired];
}

/** Digits misread as letters inside a date-looking token ("2O24", "O5/l2"). */
function repairDateDigits(line: string): string {
  return line
    .replace(/(?<=[\d/.-])[Oo](?=[\d/.-])|(?<=\d)[Oo]\b|\b[Oo](?=\d[/.-])/g, '0')
    .replace(/(?<=[\d/.-])[Il|](?=[\d/.-])|\b[Il|](?=\d[/.-])/g, '1')
    .replace(/(?<![\d/.-])(\d{1,2}) ?([/.-]) ?(\d{1,2}) ?\2 ?(\d{2,4})(?!\d)/g, '$1$2$3$2$4');
}

function isoDate(year: number, month: number, day: number): string | null {
  if (year < 1990 || year > 2099 || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Two-digit years are this century, and not far ahead ("4/3/78" is a cash figure, not 2078). */
function fullYear(year: string): number {
  const y = Number(year);
  return year.length === 2 ? (y <= 40 ? 2000 + y : -1) : y;
}

/**
 * Numeric parts OCR misread: a 0 read as 6 or 8 ("14-62-2018", "12-02-2618"). Tried only when
 * the date as read is impossible; the first single-digit repair that makes it valid wins.
 */
function repairedParts(
  a: string,
  b: string,
  year: string,
  valid: (a: number, b: number, y: number) => boolean,
): [number, number, number] | null {
  const parts = [a, b, year];
  for (let p = 0; p < parts.length; p++) {
    for (let i = 0; i < parts[p].length; i++) {
      if (parts[p][i] !== '6' && parts[p][i] !== '8') continue;
      const fixed = [...parts];
      fixed[p] = parts[p].slice(0, i) + '0' + parts[p].slice(i + 1);
      const [x, y, z] = [Number(fixed[0]), Number(fixed[1]), fullYear(fixed[2])];
      if (valid(x, y, z)) return [x, y, z];
    }
  }
  return null;
}

/**
 * The field order the receipt itself shows: a numeric date whose first part is above 12 is
 * day-first, whose second is, month-first. Null when no date on it tells.
 */
export function printedOrder(lines: string[]): DateOrder | null {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const raw of lines) {
    for (const m of repairDateDigits(raw).matchAll(
      /(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\2(?:\d{4}|\d{2})(?![\d/]|\.\d)/g,
    )) {
      const [a, b] = [Number(m[1]), Number(m[3])];
      if (a > 12 && a <= 31 && b >= 1 && b <= 12) dayFirst++;
      if (b > 12 && b <= 31 && a >= 1 && a <= 12) monthFirst++;
    }
  }
  if (dayFirst === monthFirst) return null;
  return dayFirst > monthFirst ? 'day-first' : 'month-first';
}

/** Every date printed on one line, read with `order` when the numbers alone can't tell. */
export function findDates(rawLine: string, lineIndex: number, order: DateOrder): DateCandidate[] {
  const line = repairDateDigits(rawLine);
  if (NOT_PURCHASE.test(line) && !LABEL.test(line)) return [];
  const labelled = LABEL.test(line);
  const timed = TIME.test(line.replace(/(?<!\d)\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}(?!\d)/g, ' '));
  const found: DateCandidate[] = [];
  let terse = false;
  const push = (iso: string | null, unambiguous: boolean) => {
    if (iso && !found.some((f) => f.iso === iso))
      found.push({ iso, line: lineIndex, unambiguous, labelled, timed, terse });
  };
  // A date glued to letters ("HCO3-7-15", "SX-575-1") is a product or document code.
  const inCode = (index: number) =>
    /[A-Za-z]/.test(line[index - 1] ?? '') && !LABEL.test(line.slice(Math.max(0, index - 8), index + 1));

  // 2024-03-12, 2024/03/12, 2024.03.12
  for (const m of line.matchAll(/(?<!\d)((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)/g)) {
    push(isoDate(Number(m[1]), Number(m[3]), Number(m[4])), true);
  }
  // 2024年3月12日
  for (const m of line.matchAll(/((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/g)) {
    push(isoDate(Number(m[1]), Number(m[2]), Number(m[3])), true);
  }
  // 12/03/2024, 03-12-24, 12.03.2024
  for (const m of line.matchAll(/(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d/]|\.\d)/g)) {
    if (inCode(m.index)) continue;
    terse = m[1].length === 1 && m[3].length === 1 && m[4].length === 2;
    const read = (a: number, b: number, year: number, repaired: boolean) => {
      if (a > 12 && b <= 12) return push(isoDate(year, b, a), !repaired);
      if (b > 12 && a <= 12) return push(isoDate(year, a, b), !repaired);
      if (order === 'day-first') return push(isoDate(year, b, a), false);
      return push(isoDate(year, a, b), false);
    };
    const valid = (a: number, b: number, year: number) => Boolean(isoDate(year, b, a) ?? isoDate(year, a, b));
    const [a, b, year] = [Number(m[1]), Number(m[3]), fullYear(m[4])];
    if (valid(a, b, year)) read(a, b, year, false);
    else {
      const fixed = repairedParts(m[1], m[3], m[4], valid);
      if (fixed) read(fixed[0], fixed[1], fixed[2], true);
    }
    terse = false;
  }
  // "Date 12022018": every separator lost, but the label says what the digits are.
  if (labelled) {
    for (const m of line.matchAll(/(?<![\d/.-])(\d{2})(\d{2})((?:19|20)\d{2})(?![\d/.-])/g)) {
      const [a, b, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
      push(a > 12 || (order === 'day-first' && b <= 12) ? isoDate(year, b, a) : isoDate(year, a, b), false);
    }
  }
  // One separator lost: 1609/2017, 16/092017 (OCR drops a thin slash). Never unambiguous.
  for (const m of line.matchAll(
    /(?<![\d/.-])(?:(\d{2})(\d{2})[/.-]|(\d{2})[/.-](\d{2}))((?:19|20)\d{2})(?![\d/]|\.\d)/g,
  )) {
    const [a, b, year] = [Number(m[1] ?? m[3]), Number(m[2] ?? m[4]), Number(m[5])];
    if (a > 12 || (order === 'day-first' && b <= 12)) push(isoDate(year, b, a), false);
    else push(isoDate(year, a, b), false);
  }
  // 12 Mar 2024, 12-MAR-2024, 12MAR24
  for (const m of line.matchAll(
    new RegExp(String.raw`(?<!\d)(\d{1,2})[\s-]?${MONTH_WORD}[\s,-]*((?:19|20)\d{2}|\d{2})(?!\d)`, 'g'),
  )) {
    const month = monthNumber(m[2]);
    if (month) push(isoDate(fullYear(m[3]), month, Number(m[1])), true);
  }
  // Mar 12, 2024 / March 12 2024
  for (const m of line.matchAll(
    new RegExp(String.raw`(?<![A-Za-z])${MONTH_WORD}\s?(\d{1,2})(?:st|nd|rd|th)?,?\s*((?:19|20)\d{2})(?!\d)`, 'g'),
  )) {
    const month = monthNumber(m[1]);
    if (month) push(isoDate(Number(m[3]), month, Number(m[2])), true);
  }
  return found;
}

/**
 * The last resort when a receipt shows no date at all: a run of digits whose separators OCR
 * read as digits ("300372018" for 30/03/2018, a slash read as 7 or 1). Only a day and month
 * followed by a 4-digit year, with each lost separator a 1 or a 7; never unambiguous.
 */
export function findDigitRunDates(rawLine: string, lineIndex: number, order: DateOrder): DateCandidate[] {
  const found: DateCandidate[] = [];
  for (const m of rawLine.matchAll(/(?<![\d/.-])(\d{2})[17]?(\d{2})[17]((?:19|20)\d{2})(?![\d/.-])/g)) {
    const [a, b, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const iso = a > 12 || (order === 'day-first' && b <= 12) ? isoDate(year, b, a) : isoDate(year, a, b);
    if (iso && !found.some((f) => f.iso === iso))
      found.push({
        iso,
        line: lineIndex,
        unambiguous: false,
        labelled: LABEL.test(rawLine),
        timed: TIME.test(rawLine),
        terse: false,
      });
  }
  return found;
}

/**
 * Every date one line could stand for, read day-first and month-first, digit runs included:
 * what `bench/ocr.mjs` checks to tell "OCR never read the date" from "the parser chose another".
 */
export function dateCandidates(rawLine: string, lineIndex: number): DateCandidate[] {
  return (['day-first', 'month-first'] as const).flatMap((order) => [
    ...findDates(rawLine, lineIndex, order),
    ...findDigitRunDates(rawLine, lineIndex, order),
  ]);
}
