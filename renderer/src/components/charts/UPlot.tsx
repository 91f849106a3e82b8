// A small React wrapper around uPlot: the plot is created when `options` change (memoise them on
// what really changes the drawing: theme, series, scales), resized in place when the width changes,
// and fed new data with setData() otherwise. `onReady` hands out the instance for live appends
// (a loss curve calls u.setData with the grown arrays; uPlot redraws thousands of points in ~1 ms).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function UPlot({
  options,
  data,
  width,
  height,
  onReady,
}: {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  width: number;
  height: number;
  onReady?: (u: uPlot | null) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shown = useRef<uPlot.AlignedData | null>(null);
  const latest = useRef({ data, width, height, onReady });
  latest.current = { data, width, height, onReady };

  useEffect(() => {
    const { data: d, width: w, height: h, onReady: ready } = latest.current;
    const u = new uPlot({ ...options, width: w, height: h }, d, box.current!);
    plot.current = u;
    shown.current = d;
    ready?.(u);
    return () => {
      ready?.(null);
      u.destroy();
      plot.current = null;
    };
  }, [options]);

  useEffect(() => {
    const u = plot.current;
    if (u && (u.width !== width || u.height !== height)) u.setSize({ width, height });
  }, [width, height]);

  useEffect(() => {
    if (plot.current && shown.current !== data) {
      plot.current.setData(data);
      shown.current = data;
    }
  }, [data]);

  return <div ref={box} />;
}
