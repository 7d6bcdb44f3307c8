/**
 * Two readings of one receipt (the page recognized at two scales) made into one answer. Pure.
 */
import { FieldConfidence, ReceiptExtraction } from './extraction';
import { overallConfidence, round } from './receipt-parser';

type Field = 'merchant' | 'date' | 'total' | 'currency';
/**
 * How much surer of a value the other reading's disagreement leaves us. On the development
 * receipts the surer of two disagreeing readings was right about twice as often as not, so a
 * disagreement withholds only values that were not sure to begin with (under 0.67).
 */
const DISAGREEMENT = 0.75;
const FIELDS: Field[] = ['merchant', 'date', 'total', 'currency'];

/** Merchants agree when most of the shorter name's words are in the other ("SDN BHD" misread aside). */
function sameMerchant(a: string, b: string): boolean {
  const words = (s: string) =>
    s
      .toUpperCase()
      .split(/[^\p{L}\p{N}&']+/u)
      .filter(Boolean);
  const [shorter, longer] =
    words(a).length <= words(b).length ? [words(a), new Set(words(b))] : [words(b), new Set(words(a))];
  return shorter.length > 0 && shorter.filter((w) => longer.has(w)).length * 2 > shorter.length;
}

/**
 * Field by field: what both readings agree on is surer than either; what only one read is
 * taken as it is; where they disagree, the surer reading wins but is reported unsure (one of
 * them is a misreading and the text alone cannot say which). The tax goes with the total it was
 * found beside. `raw_text` stays the first reading's.
 */
export function mergeReadings(first: ReceiptExtraction, second: ReceiptExtraction): ReceiptExtraction {
  if (!second.is_receipt) return first;
  if (!first.is_receipt) return second;
  const merged: ReceiptExtraction = { ...first, field_confidence: { ...first.field_confidence } };
  const confidence: FieldConfidence = merged.field_confidence;
  for (const field of FIELDS) {
    const [a, b] = [first[field], second[field]];
    const [ca, cb] = [first.field_confidence[field], second.field_confidence[field]];
    let value = a;
    let sure = ca;
    if (a !== null && b !== null && (field === 'merchant' ? sameMerchant(a, b) : a === b))
      sure = Math.min(0.99, Math.max(ca, cb) + 0.05);
    else if (a === null) [value, sure] = [b, cb];
    else if (b !== null) [value, sure] = cb > ca ? [b, cb * DISAGREEMENT] : [a, ca * DISAGREEMENT];
    merged[field] = value;
    confidence[field] = round(sure);
  }
  const taxFrom = merged.total === first.total ? first : second;
  merged.tax = taxFrom.tax;
  confidence.tax = taxFrom.field_confidence.tax;
  merged.confidence = overallConfidence(confidence);
  return merged;
}
