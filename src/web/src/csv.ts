// Client-side CSV export of what a list shows (UTF-8 with BOM so Excel reads Chinese).
import { saveBlob } from './api.ts';

export function exportCsv(filename: string, header: string[], rows: (string | number | boolean | null | undefined)[][]) {
  const cell = (v: string | number | boolean | null | undefined) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
  saveBlob(new Blob(['\ufeff' + text], { type: 'text/csv;charset=utf-8' }), filename);
}
