import type { GoalSummary } from "./api.js";
import { formatCount } from "./format.js";

/**
 * Tokens per continuation turn, as SVG bars (input and output stacked): a few rectangles, so no chart
 * library. The tallest turn fills the height; each bar's title gives its figures.
 */
export function TokenChart(props: { turns: GoalSummary["turns"] }) {
  const { turns } = props;
  if (turns.length === 0) return <p class="chart-empty">No turns yet.</p>;
  const width = 240;
  const height = 48;
  const most = Math.max(...turns.map((turn) => turn.inputTokens + turn.outputTokens), 1);
  const step = width / Math.max(turns.length, 12);
  return (
    <figure class="chart-figure">
      <svg
        class="chart"
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="tokens per turn"
      >
        {turns.map((turn, index) => {
          const input = (turn.inputTokens / most) * height;
          const output = (turn.outputTokens / most) * height;
          const x = index * step + step * 0.1;
          return (
            <g key={turn.turn}>
              <title>{`turn ${turn.turn}: ${formatCount(turn.inputTokens)} in, ${formatCount(turn.outputTokens)} out`}</title>
              <rect class="chart-in" x={x} y={height - input - output} width={step * 0.8} height={input} />
              <rect class="chart-out" x={x} y={height - output} width={step * 0.8} height={output} />
            </g>
          );
        })}
      </svg>
      <figcaption>tokens per turn: input (light), output (dark)</figcaption>
    </figure>
  );
}
