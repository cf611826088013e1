/** A UTF-16 surrogate without its pair: not Unicode text (node-pg would store U+FFFD instead). */
export const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
