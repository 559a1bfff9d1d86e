/**
 * A name in lines of at most `width` characters (a word longer stays whole), for the bars'
 * axis: on a phone Chart.js cut a long category name ("…eu de signalisation en panne"); it
 * draws an array as lines.
 */
export function wrapLabel(text, width = 18) {
  const lines = [];
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.length > 1 ? lines : (lines[0] ?? '');
}
