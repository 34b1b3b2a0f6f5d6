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
 * so they are drawn a few per animation frame, within a time budget, in the order asked.
 */
const waiting: ChartHandle[] = [];
let draining = false;
const FRAME_BUDGET_MS = 12;

function drawSoon(h: ChartHandle): void {
  if (!waiting.includes(h)) waiting.push(h);
  if (draining) return;
  draining = true;
  requestAnimationFrame(drain);
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
  if (waiting.length > 0) requestAnimationFrame(drain);
  else draining = false;
}

export class ChartHandle {
  #chart: echarts.ECharts;
  #option: ChartOption;
  #observer: ResizeObserver | null = null;
  #dirty = false;

  #redraw = (): void => {
    this.#dirty = true;
    drawSoon(this);
  };

  constructor(el: HTMLElement, option: ChartOption) {
    this.#chart = echarts.init(el, null, { renderer: 'canvas' });
    this.#option = option;
    this.#redraw();
    if (typeof ResizeObserver !== 'undefined') {
      this.#observer = new ResizeObserver(() => this.#chart.resize());
      this.#observer.observe(el);
    }
    // Canvas text does not re-flow when a web font (e.g. a CJK subset) arrives: draw again.
    document.fonts?.addEventListener('loadingdone', this.#redraw);
  }

  /** Call `cb` with the clicked item's category name (bars, heatmap cells, funnel steps). */
  onClick(cb: (name: string) => void): void {
    this.#chart.off('click');
    this.#chart.on('click', (p: { name?: string }) => {
      if (typeof p.name === 'string' && p.name !== '') cb(p.name);
    });
  }

  /** The option last drawn. */
  get option(): ChartOption {
    return this.#option;
  }

  update(option: ChartOption): void {
    this.#option = option;
    this.#redraw();
  }

  /** Draw now what is waiting to be drawn (the drawing queue calls this; so does an export). */
  flush(): void {
    if (!this.#dirty || this.#chart.isDisposed()) return;
    this.#dirty = false;
    this.#chart.setOption(withDefaults(this.#option), { notMerge: true });
  }

  /** PNG as a data URL, at twice the screen resolution, on a white background. */
  toPng(): string {
    this.flush();
    return this.#chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
  }

  /** The same option rendered by ECharts' SVG renderer: vector, self-contained. */
  toSvg(): string {
    return renderSvg(this.#option, this.#chart.getWidth(), this.#chart.getHeight());
  }

  dispose(): void {
    const at = waiting.indexOf(this);
    if (at >= 0) waiting.splice(at, 1);
    document.fonts?.removeEventListener('loadingdone', this.#redraw);
    this.#observer?.disconnect();
    this.#chart.dispose();
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
