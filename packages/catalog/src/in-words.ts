/** `noun name` or `nouns a, b and c`, at most five names then "and N more". */
export function namesInWords(noun: string, names: readonly string[]): string {
  const shown = names.slice(0, 5);
  const more = names.length - shown.length;
  const list =
    more > 0
      ? `${shown.join(', ')} and ${more} more`
      : shown.length > 1
        ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`
        : (shown[0] ?? '');
  return `${noun}${names.length === 1 ? '' : 's'} ${list}`;
}
