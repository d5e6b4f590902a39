import type { Figure, Shape } from '../../../src/wire.js';

function ShapeEl({ s }: { s: Shape }) {
  switch (s.kind) {
    case 'rect':
      return (
        <rect x={s.x} y={s.y} width={s.w} height={s.h} fill={s.fill} stroke={s.stroke}>
          {s.title !== undefined && <title>{s.title}</title>}
        </rect>
      );
    case 'circle':
      return (
        <circle
          cx={s.x}
          cy={s.y}
          r={s.r}
          fill={s.fill}
          stroke={s.stroke}
          strokeWidth={s.stroke !== undefined ? 0.8 : undefined}
        />
      );
    case 'line':
      return (
        <line
          x1={s.x1}
          y1={s.y1}
          x2={s.x2}
          y2={s.y2}
          stroke={s.stroke}
          strokeWidth={s.width}
          strokeDasharray={s.dash === true ? '3 3' : undefined}
        />
      );
    case 'text':
      return (
        <text
          x={s.x}
          y={s.y}
          fontSize={s.size}
          textAnchor={s.anchor}
          fill={s.fill}
          fontWeight={s.bold === true ? 'bold' : undefined}
        >
          {s.text}
        </text>
      );
  }
}

/** A chart or map laid out by the server's figure module, drawn as SVG (as the HTML edition draws it). */
export function FigureSvg({ figure, testId }: { figure: Figure; testId?: string }) {
  return (
    <figure className="daily-figure" data-testid={testId}>
      <svg viewBox={`0 0 ${figure.width} ${figure.height}`} role="img" aria-label={figure.title}>
        {figure.shapes.map((s, i) => (
          // The shapes are a fixed list drawn in order: the index is their identity.
          <ShapeEl key={i} s={s} />
        ))}
      </svg>
      <figcaption>{figure.title}</figcaption>
    </figure>
  );
}
