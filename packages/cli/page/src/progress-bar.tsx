/** One labelled bar: `used` of `limit`, with the figures beside it. */
export function ProgressBar(props: {
  label: string;
  used: number;
  limit: number;
  text: string;
  name: string;
}) {
  const share = props.limit > 0 ? Math.min(1, props.used / props.limit) : 0;
  const level = share >= 1 ? "full" : share >= 0.8 ? "high" : "ok";
  return (
    <div class="bar" data-bar={props.name}>
      <span class="bar-label">{props.label}</span>
      <span
        class="bar-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={props.limit}
        aria-valuenow={props.used}
      >
        <span class={`bar-fill ${level}`} style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </span>
      <span class="bar-text">{props.text}</span>
    </div>
  );
}
