/**
 * The one wrapper that touches ECharts instances: init, update, resize,
 * dispose, export. Everything else hands it plain option objects.
 */
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, GraphChart, HeatmapChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, DatasetComponent, MarkLineComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { FONT } from './palette.ts';

echarts.use([BarChart, LineChart, FunnelChart, HeatmapChart, ScatterChart, GraphChart, SankeyChart, VisualMapComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, DatasetComponent, MarkLineComponent, CanvasRenderer, SVGRenderer]);

export type ChartOption = EChartsCoreOption;

/**
 * Charts waiting to be drawn. A page can ask for twenty charts at once (and a web font
 * arriving asks every chart again); drawing them all in one task would freeze the page,
 * so they are drawn a few per frame (one, when one takes longer than the budget), in the order asked.
 */
const waiting: ChartHandle[] = [];
let draining = false;
const FRAME_BUDGET_MS = 12;

function drawSoon(h: ChartHandle): void {
  if (!waiting.includes(h)) waiting.push(h);
  if (draining) return;
  draining = true;
  afterNextFrame(drain);
}

/**
 * Run `f` just after the next frame is painted: the page's layout is then up to date, so
 * the sizes and offsets ECharts reads while it draws do not force another layout of a
 * page that has just changed (a second, synchronous layout of all the sections).
 */
function afterNextFrame(f: () => void): void {
  requestAnimationFrame(() => setTimeout(f, 0));
}

function drain(): void {
  const start = performance.now();
  do {
    try {
      waiting.shift()?.flush();
    } catch (e) {
      // One chart that cannot draw must not stop the others.
      console.error(e);
    }
  } while (waiting.length > 0 && performance.now() - start < FRAME_BUDGET_MS);
  if (waiting.length > 0) afterNextFrame(drain);
  else draining = false;
}

/**
 * Every live chart, by its element. A chart is created and drawn only when it comes within
 * a screen of the viewport: one setOption of a large heatmap or rule network takes longer than
 * a frame, and a page of twenty of them, drawn while the user looks at the first two, froze it.
 */
const live = new Map<Element, ChartHandle>();
let nearby: IntersectionObserver | null | undefined;

function nearbyObserver(): IntersectionObserver | null {
  if (nearby === undefined) {
    nearby =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver((entries) => {
            for (const e of entries) live.get(e.target)?.setNear(e.isIntersecting, e.boundingClientRect);
          }, { rootMargin: '100% 0px' });
    // Print lays out every chart, seen or not: draw them all, finished (no animation half-way).
    if (typeof window !== 'undefined') window.addEventListener('beforeprint', () => live.forEach((h) => h.flush(true)));
  }
  return nearby;
}

export class ChartHandle {
  #el: HTMLElement;
  #chart: echarts.ECharts | null = null;
  #option: ChartOption;
  #resizer: ResizeObserver | null = null;
  #onClick: ((name: string) => void) | null = null;
  #near = false;
  #dirty = true;
  #resized = false;
  #disposed = false;
  /** The element's size as the observers last reported it (reading it from the element would force a layout). */
  #size: { width: number; height: number } | null = null;

  #redraw = (): void => {
    this.#dirty = true;
    if (this.#near) drawSoon(this);
  };

  constructor(el: HTMLElement, option: ChartOption) {
    this.#el = el;
    this.#option = option;
    live.set(el, this);
    const observer = nearbyObserver();
    if (observer) observer.observe(el);
    else this.setNear(true);
    // Canvas text does not re-flow when a web font (e.g. a CJK subset) arrives: draw again.
    document.fonts?.addEventListener('loadingdone', this.#redraw);
  }

  /** The element came within a screen of the viewport (or left it): draw what is pending. */
  setNear(near: boolean, box?: { width: number; height: number }): void {
    this.#near = near;
    if (box && box.width > 0 && box.height > 0) this.#size = { width: Math.round(box.width), height: Math.round(box.height) };
    if (near && (this.#dirty || this.#resized)) drawSoon(this);
  }

  /** Call `cb` with the clicked item's category name (bars, heatmap cells, funnel steps). */
  onClick(cb: (name: string) => void): void {
    this.#onClick = cb;
    if (this.#chart) this.#listen(this.#chart);
  }

  #listen(chart: echarts.ECharts): void {
    chart.off('click');
    chart.on('click', (p: { name?: string }) => {
      if (typeof p.name === 'string' && p.name !== '') this.#onClick?.(p.name);
    });
  }

  /** The option last asked for (drawn, or to be drawn when the chart is scrolled to). */
  get option(): ChartOption {
    return this.#option;
  }

  update(option: ChartOption): void {
    this.#option = option;
    this.#redraw();
  }

  #instance(): echarts.ECharts {
    if (this.#chart) return this.#chart;
    const chart = echarts.init(this.#el, null, { renderer: 'canvas', ...this.#size });
    this.#chart = chart;
    if (this.#onClick) this.#listen(chart);
    if (typeof ResizeObserver !== 'undefined') {
      this.#resizer = new ResizeObserver((entries) => {
        const box = entries[0]?.contentRect;
        // The observer reports once on observe, at the size the chart was just made at: nothing to do.
        if (!box || (Math.round(box.width) === chart.getWidth() && Math.round(box.height) === chart.getHeight())) return;
        this.#size = { width: Math.round(box.width), height: Math.round(box.height) };
        this.#resized = true;
        if (this.#near) drawSoon(this);
      });
      this.#resizer.observe(this.#el);
    }
    return chart;
  }

  /**
   * Create the chart if need be and draw now what is waiting (the drawing queue calls this; so do
   * an export and print). `finished`: without the entry animation, for a picture taken right away.
   */
  flush(finished = false): void {
    if (this.#disposed) return;
    if (!this.#dirty && !this.#resized && this.#chart) return;
    const chart = this.#instance();
    if (this.#resized) {
      this.#resized = false;
      chart.resize(this.#size ?? undefined);
    }
    if (!this.#dirty) return;
    this.#dirty = false;
    const option = withDefaults(this.#option);
    chart.setOption(finished ? { ...option, animation: false } : option, { notMerge: true });
  }

  /** PNG as a data URL, at twice the screen resolution, on a white background. */
  toPng(): string {
    this.flush(true);
    return this.#instance().getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
  }

  /** The same option rendered by ECharts' SVG renderer: vector, self-contained. */
  toSvg(): string {
    const width = this.#chart?.getWidth() ?? this.#el.clientWidth;
    const height = this.#chart?.getHeight() ?? this.#el.clientHeight;
    return renderSvg(this.#option, width, height);
  }

  dispose(): void {
    this.#disposed = true;
    const at = waiting.indexOf(this);
    if (at >= 0) waiting.splice(at, 1);
    live.delete(this.#el);
    nearby?.unobserve(this.#el);
    document.fonts?.removeEventListener('loadingdone', this.#redraw);
    this.#resizer?.disconnect();
    this.#chart?.dispose();
    this.#chart = null;
  }
}

/** Render an option to an SVG string without a DOM (works in Node and browsers). */
export function renderSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#fff', ...withDefaults(option) });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Options every chart shares, under what the builder set. */
function withDefaults(option: ChartOption): ChartOption {
  const textStyle = (option.textStyle ?? {}) as Record<string, unknown>;
  const title = option.title;
  // ECharts 6 places a title without `top` a little down, onto the legend row: pin it to the top.
  const pinned = title && typeof title === 'object' && !Array.isArray(title) ? { title: { top: 0, ...(title as Record<string, unknown>) } } : {};
  return { ...option, ...pinned, textStyle: { fontFamily: FONT, ...textStyle } };
}
