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

/** A horizontal (stacked) bar chart; `format` renders the total at the end of each bar. */
export function barChart(title: string, series: BarSeries[], rows: BarRow[], format: (n: number) => string = String): SVGSVGElement {
  const rowHeight = 28;
  const labelWidth = 150;
  const width = 520;
  const barArea = width - labelWidth - 60;
  const height = rows.length * rowHeight + 34;
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', width: '100%' });
  const t = el('title', {});
  t.textContent = `${title}: ${rows.map((r) => `${r.label} ${r.values.map((v, i) => `${series[i]?.label ?? ''} ${format(v)}`).join(', ')}`).join('; ')}`;
  svg.appendChild(t);
  rows.forEach((row, i) => {
    const y = i * rowHeight + 4;
    const label = el('text', { x: labelWidth - 8, y: y + 15, 'text-anchor': 'end', class: 'chart-label' });
    label.textContent = row.label.length > 22 ? `${row.label.slice(0, 21)}…` : row.label;
    svg.appendChild(label);
    let x = labelWidth;
    row.values.forEach((v, s) => {
      const w = (v / max) * barArea;
      if (w > 0) svg.appendChild(el('rect', { x, y, width: w, height: rowHeight - 10, rx: 3, class: series[s]?.className ?? '' }));
      x += w;
    });
    const total = el('text', { x: x + 6, y: y + 15, class: 'chart-value' });
    total.textContent = format(row.values.reduce((a, b) => a + b, 0));
    svg.appendChild(total);
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
