import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Line colours of the dashboard's charts, in series order. */
export const CHART_COLORS = ['#4cc2ff', '#ffb84c', '#b58cff', '#6ee7a8'];
/** Axis style of the dashboard's charts (dark theme). */
export const CHART_AXIS = {
  stroke: '#9aa4b2',
  grid: { stroke: '#2a313c', width: 1 },
  ticks: { stroke: '#2a313c' },
  font: '14px system-ui',
};

export interface UPlotChartProps {
  /** Options without width/height (the chart fills its box). Rebuilt when `optionsKey` changes. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  optionsKey: string;
  data: uPlot.AlignedData;
  /** Bumped when `data` changed. */
  dataVersion: number;
  /** Called every animation frame (e.g. to scroll the x scale smoothly). */
  onFrame?: (u: uPlot, nowMs: number) => void;
  height: number;
  testId?: string;
}

/** uPlot in a Preact box: created once per options key, data pushed with setData, resized with the box. */
export function UPlotChart(props: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const frame = useRef(props.onFrame);
  frame.current = props.onFrame;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(
      { ...props.options, width: Math.max(100, el.clientWidth), height: props.height },
      props.data,
      el,
    );
    plot.current = u;
    const ro = new ResizeObserver(() =>
      u.setSize({ width: Math.max(100, el.clientWidth), height: props.height }),
    );
    ro.observe(el);
    let raf = 0;
    const tick = (now: number) => {
      frame.current?.(u, now);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its options change meaningfully.
  }, [props.optionsKey, props.height]);

  useEffect(() => {
    // Keep the scales the frame callback set: resetScales=false when it drives them.
    plot.current?.setData(props.data, props.onFrame === undefined);
  }, [props.dataVersion]);

  return <div class="chart" ref={box} data-testid={props.testId} />;
}
