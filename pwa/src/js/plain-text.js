/**
 * What a person's text never holds, taken out before it is sent: control characters other
 * than line breaks and tabs, and the marks that make a text read backwards (U+202A–U+202E,
 * U+2066–U+2069). The server refuses them (app/api/common.py, plain_text); a paste from
 * another app can carry them unseen, and the resident should not be refused for it.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: taking control characters out is its job
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function plainText(value) {
  return value.replace(INVISIBLE, '').trim();
}
