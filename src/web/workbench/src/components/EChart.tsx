/**
 * One ECharts chart, drawn as SVG, with only the chart types the workbench uses registered (echarts/core
 * keeps the rest out of the bundle). A chart is an image to assistive technology: it carries a short
 * description (`label`) and the page shows the same figures as a table beside it (WCAG 1.1.1).
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * @example <EChart label="各部门亮灯情况：…" option={{ xAxis: …, series: [{ type: 'bar', data }] }} />
 */
export function EChart({ option, label, height = 320 }: { option: ChartOption; label: string; height?: number }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'svg' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    // The chart's own aria text would repeat the description; the figures are in the table beside it.
    chart.current?.setOption({ animation: false, aria: { enabled: false }, ...option }, true);
  }, [option]);

  return <div ref={container} role="img" aria-label={label} className="chart" style={{ height }} />;
}
