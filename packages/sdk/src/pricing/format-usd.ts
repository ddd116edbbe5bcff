/**
 * Dollars as a person reads them: `$12.34`, `$0.50`, `$0.0421`; below a dollar up to 4 decimals, and a
 * spend too small for those as `<$0.0001`, so a cost that is not zero never reads as zero.
 */
export function formatUsd(dollars: number): string {
  if (dollars === 0) return "$0";
  if (dollars >= 1) return `$${dollars.toFixed(2)}`;
  if (dollars < 0.0001) return "<$0.0001";
  return `$${dollars.toFixed(4).replace(/(\.\d\d(?:\d*[1-9])?)0*$/, "$1")}`;
}
