// Money is integer fen inside; decimal strings at the edge. One rounding rule:
// half up, on fen, here.
export type Fen = number;

export function parseMoney(input: string | number): Fen | null {
  const s = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input.trim();
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

export function formatMoney(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

export function fenToYuan(fen: Fen): number {
  return Number(formatMoney(fen));
}
