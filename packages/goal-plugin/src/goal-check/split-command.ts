/**
 * Splits a command line into words as a shell would, with no expansion: whitespace separates words, single
 * quotes keep everything, double quotes keep everything but `\"` and `\\`, and a backslash outside quotes
 * keeps the next character. Throws on an unclosed quote.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index] as string;
    if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      const end = closing(line, index, char);
      const inner = line.slice(index + 1, end);
      word = (word ?? "") + (char === '"' ? inner.replace(/\\(["\\])/g, "$1") : inner);
      index = end;
    } else if (char === "\\" && index + 1 < line.length) {
      word = (word ?? "") + line[++index];
    } else {
      word = (word ?? "") + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function closing(line: string, open: number, quote: string): number {
  for (let index = open + 1; index < line.length; index++) {
    if (line[index] === "\\" && quote === '"') index++;
    else if (line[index] === quote) return index;
  }
  throw new Error(`unclosed ${quote} in the check command`);
}
