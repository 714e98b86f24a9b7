// Simple accessible SVG bar charts: horizontal bars with labels and values; stacked series allowed.
const SVG = 'http://www.w3.org/2000/svg';

export interface BarSeries {
  label: string;
  className: string;
}

export interface BarRow {
  label: string;
  values: number[];
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/**
 * A horizontal bar chart. `stacked` adds the series up in one bar (parts of a whole); `grouped` draws one
 * bar per series (counts that overlap, e.g. a task both overdue and escalated).
 */
export function barChart(
  title: string,
  series: BarSeries[],
  rows: BarRow[],
  format: (n: number) => string = String,
  mode: 'stacked' | 'grouped' = 'stacked',
): SVGSVGElement {
  const bars = mode === 'grouped' ? series.length : 1;
  const barHeight = mode === 'grouped' ? 12 : 18;
  const rowHeight = bars * (barHeight + 2) + 10;
  const labelWidth = 150;
  const width = 520;
  const barArea = width - labelWidth - 60;
  const height = rows.length * rowHeight + 34;
  const total = (r: BarRow) => r.values.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...rows.map((r) => (mode === 'grouped' ? Math.max(0, ...r.values) : total(r))));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', width: '100%' });
  const t = el('title', {});
  t.textContent = `${title}: ${rows.map((r) => `${r.label} ${r.values.map((v, i) => `${series[i]?.label ?? ''} ${format(v)}`).join(', ')}`).join('; ')}`;
  svg.appendChild(t);
  rows.forEach((row, i) => {
    const y = i * rowHeight + 4;
    const label = el('text', { x: labelWidth - 8, y: y + (rowHeight - 10) / 2 + 4, 'text-anchor': 'end', class: 'chart-label' });
    label.textContent = row.label.length > 22 ? `${row.label.slice(0, 21)}…` : row.label;
    svg.appendChild(label);
    if (mode === 'grouped') {
      row.values.forEach((v, s) => {
        const by = y + s * (barHeight + 2);
        const w = (v / max) * barArea;
        if (w > 0) svg.appendChild(el('rect', { x: labelWidth, y: by, width: w, height: barHeight, rx: 2, class: series[s]?.className ?? '' }));
        const value = el('text', { x: labelWidth + w + 6, y: by + barHeight - 2, class: 'chart-value' });
        value.textContent = format(v);
        svg.appendChild(value);
      });
      return;
    }
    let x = labelWidth;
    row.values.forEach((v, s) => {
      const w = (v / max) * barArea;
      if (w > 0) svg.appendChild(el('rect', { x, y, width: w, height: barHeight, rx: 3, class: series[s]?.className ?? '' }));
      x += w;
    });
    const value = el('text', { x: x + 6, y: y + barHeight - 4, class: 'chart-value' });
    value.textContent = format(total(row));
    svg.appendChild(value);
  });
  let lx = labelWidth;
  for (const s of series) {
    const y = rows.length * rowHeight + 14;
    svg.appendChild(el('rect', { x: lx, y, width: 12, height: 12, rx: 2, class: s.className }));
    const text = el('text', { x: lx + 16, y: y + 10, class: 'chart-legend' });
    text.textContent = s.label;
    svg.appendChild(text);
    lx += 24 + s.label.length * 7;
  }
  return svg;
}
