/** One line of a plot: its label, colour and points. */
export interface PlotSeries {
  label: string;
  color: string;
  points: readonly (readonly [number, number])[];
}

/** Axes and size of a plot. */
export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** A logarithmic x axis (for latency CDFs); values ≤ 0 are clamped to the smallest positive one. */
  logX?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) =>
  Number.isInteger(v)
    ? String(v)
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 10
        ? v.toFixed(1)
        : Number(v.toPrecision(2)).toString();

/** Round tick values covering `[lo, hi]`, about `n` of them. */
function ticks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(v);
  return out;
}

/**
 * A line plot as a self-contained inline SVG string (no library): axes with round ticks, a legend, one
 * polyline per series. Linear axes, or a log10 x axis with decade ticks.
 */
export function linePlotSvg(series: readonly PlotSeries[], o: PlotOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 320;
  const m = { left: 60, right: 20, top: 30, bottom: 45 };
  const pts = series.flatMap((s) => s.points);
  const minPos = Math.min(...pts.map(([x]) => x).filter((x) => x > 0), 1);
  const tx = (x: number) => (o.logX === true ? Math.log10(Math.max(x, minPos)) : x);
  const xs = pts.map(([x]) => tx(x));
  const ys = pts.map(([, y]) => y);
  let x0 = xs.length ? Math.min(...xs) : 0;
  let x1 = xs.length ? Math.max(...xs) : 1;
  if (o.logX === true) {
    x0 = Math.floor(x0);
    x1 = Math.ceil(x1);
  }
  if (x1 === x0) x1 = x0 + 1;
  const y0 = 0;
  const y1 = Math.max(...ys, 1e-9) * 1.05;
  const px = (x: number) => m.left + ((tx(x) - x0) / (x1 - x0)) * (width - m.left - m.right);
  const pxT = (t: number) => m.left + ((t - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - ((y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${esc(o.title)}</text>`,
  ];
  const xTicks = o.logX === true ? ticks(x0, x1, x1 - x0).filter(Number.isInteger) : ticks(x0, x1, 8);
  for (const t of xTicks) {
    const x = pxT(t).toFixed(1);
    const label = o.logX === true ? fmt(10 ** t) : fmt(t);
    out.push(
      `<line x1="${x}" y1="${m.top}" x2="${x}" y2="${height - m.bottom}" stroke="#eee"/>`,
      `<text x="${x}" y="${height - m.bottom + 14}" text-anchor="middle">${label}</text>`,
    );
  }
  for (const t of ticks(y0, y1, 5)) {
    const y = py(t).toFixed(1);
    out.push(
      `<line x1="${m.left}" y1="${y}" x2="${width - m.right}" y2="${y}" stroke="#eee"/>`,
      `<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`,
    );
  }
  out.push(
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="black"/>`,
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text x="14" y="${(m.top + height - m.bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(m.top + height - m.bottom) / 2})">${esc(o.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const d = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${d}"/>`);
    const ly = m.top + 6 + i * 14;
    out.push(
      `<line x1="${width - m.right - 150}" y1="${ly}" x2="${width - m.right - 130}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${width - m.right - 125}" y="${ly}" dominant-baseline="middle">${esc(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/** CDF points `(value, fraction ≤ value)` of ascending `sorted`, thinned to about `maxPoints`. */
export function cdfPoints(sorted: readonly number[], maxPoints = 200): [number, number][] {
  const n = sorted.length;
  const step = Math.max(1, Math.floor(n / maxPoints));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i += step) out.push([sorted[i]!, (i + 1) / n]);
  if (n > 0) out.push([sorted[n - 1]!, 1]);
  return out;
}
