// How numbers are written in the picture. Every value of roi-ops is a float32, whose exact
// decimal (0.85 is 0.85000002384185791015625) helps nobody: the shortest decimal that reads
// back as the same float32 is exact and short.

/** The shortest decimal that reads back as the same float32; NaN and infinities by name. */
export function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const target = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === target) return text === '-0' ? '0' : text.replace(/^-/, '−');
  }
  return String(value);
}

/**
 * numberText when it fits in `room` characters, else the most significant digits (at most
 * four) that fit: a map cell has room for a few. The exact value is in --json.
 */
export function shortNumberText(value: number, room: number): string {
  const exact = numberText(value);
  if (exact.length <= room) return exact;
  let shortened = exact;
  for (let digits = 4; digits >= 1; digits--) {
    shortened = String(Number(value.toPrecision(digits))).replace(/^-/, '−');
    if (shortened.length <= room) break;
  }
  return shortened;
}

/** A half-open pixel range [start, end) as the inclusive range a reader counts: "3–5", "3", or "none". */
export function pixelRangeText([start, end]: readonly [number, number]): string {
  if (end <= start) return 'none';
  return end - start === 1 ? String(start) : `${start}–${end - 1}`;
}
