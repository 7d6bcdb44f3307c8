/** A page's size in PDF points (1/72 inch), UserUnit applied. */
export interface PageSize {
  width: number;
  height: number;
}

/** PDF's white-space characters (NUL and form feed among them, unlike `\s`). Comments are not followed: see below. */
const WS = String.raw`[\0\t\n\f\r ]`;
const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)`;
/** A key of interest: `/MediaBox`, `/UserUnit`, or any eight-letter name with letters spelt `#xx` (which may be either). */
const KEY = /\/(MediaBox|UserUnit|(?:[A-Za-z]|#[0-9A-Fa-f]{2}){8})(?![A-Za-z0-9#])/g;
/** What follows `/MediaBox`: an array, or a reference `n g R` to an object that is one. Sticky: read where the key ends. */
const BOX_VALUE = new RegExp(
  String.raw`${WS}*(?:(\[[^\]]{0,200}\])|(\d{1,10})${WS}+(\d{1,5})${WS}+R(?![A-Za-z]))`,
  'y',
);
const UNIT_VALUE = new RegExp(String.raw`${WS}*(${NUMBER})`, 'y');
const BOX = new RegExp(String.raw`^\[${WS}*(${NUMBER})${WS}+(${NUMBER})${WS}+(${NUMBER})${WS}+(${NUMBER})${WS}*\]`);
const ARRAY_OBJECT = new RegExp(String.raw`(?<!\d)(\d{1,10})${WS}+(\d{1,5})${WS}+obj${WS}*(\[[^\]]{0,200}\])`, 'g');

/**
 * The page sizes a PDF states in plain sight, read from its bytes without parsing it: every
 * `/MediaBox`, given as an array or as a reference to an object that is one, times the largest
 * `/UserUnit` in the file (pdf.js scales a page by it); names may spell letters as `#xx`. Each
 * pattern starts at a fixed word or a number and spans bounded text, so a scan takes time
 * linear in the file's size (tens of milliseconds for 10 MB, a few hundred for the worst 10 MB
 * in the spec). What a file hides is not seen (a page dictionary in a compressed object stream,
 * a comment between a key and its value): the renderer caps the pixels of any page, whatever
 * its size (ocr/pdf-render-size.ts).
 */
export function statedPageSizes(bytes: Buffer): PageSize[] {
  const text = bytes.toString('latin1');
  let userUnit = 1;
  // A set: a hostile file repeats one box by the hundred thousand.
  const boxes = new Set<string>();
  let arrays: Map<string, string> | undefined;
  for (const key of text.matchAll(KEY)) {
    const name = key[1].includes('#') ? unescapeName(key[1]) : key[1];
    const end = key.index + key[0].length;
    if (name === 'UserUnit') {
      UNIT_VALUE.lastIndex = end;
      const unit = Number(UNIT_VALUE.exec(text)?.[1] ?? 0);
      if (unit > userUnit) userUnit = unit;
    } else if (name === 'MediaBox') {
      BOX_VALUE.lastIndex = end;
      const value = BOX_VALUE.exec(text);
      if (value?.[1] !== undefined) boxes.add(value[1]);
      else if (value) {
        arrays ??= arrayObjects(text);
        const referenced = arrays.get(`${Number(value[2])} ${Number(value[3])}`);
        if (referenced !== undefined) boxes.add(referenced);
      }
    }
  }
  const sizes: PageSize[] = [];
  for (const box of boxes) {
    const numbers = BOX.exec(box)?.slice(1).map(Number);
    if (!numbers) continue;
    const [x1, y1, x2, y2] = numbers;
    const size = { width: Math.abs(x2 - x1) * userUnit, height: Math.abs(y2 - y1) * userUnit };
    // pdf.js takes an empty box for no box at all (and renders a Letter page).
    if (size.width > 0 && size.height > 0) sizes.push(size);
  }
  return sizes;
}

/** `Media#42ox` → `MediaBox`, by hand: it runs once per escaped name, which a hostile file has by the hundred thousand. */
function unescapeName(letters: string): string {
  let name = '';
  for (let i = 0; i < letters.length; i++) {
    if (letters[i] === '#') {
      name += String.fromCharCode(parseInt(letters.slice(i + 1, i + 3), 16));
      i += 2;
    } else name += letters[i];
  }
  return name;
}

/** Every `n g obj [ … ]` written out plainly, by `n g`: what an indirect `/MediaBox n g R` may name. One pass, however many references. */
function arrayObjects(text: string): Map<string, string> {
  const arrays = new Map<string, string>();
  for (const [, objectNumber, generation, array] of text.matchAll(ARRAY_OBJECT)) {
    arrays.set(`${Number(objectNumber)} ${Number(generation)}`, array);
  }
  return arrays;
}
