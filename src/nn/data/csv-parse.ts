// SPDX-License-Identifier: Apache-2.0
/**
 * An incremental CSV tokenizer (RFC 4180): text arrives in chunks, rows
 * come out with the 1-based line on which each starts.
 *
 * Fields are separated by the delimiter; rows end at "\n", "\r\n" or
 * "\r". A field that starts with a double quote runs to the matching
 * closing quote and may hold delimiters, line breaks and doubled quotes
 * (`""` for `"`). Anything else is taken verbatim, untrimmed. Empty lines
 * are skipped. Malformed quoting (an unterminated quoted field, text after
 * a closing quote, a quote inside an unquoted field) is an error that
 * names the line.
 */
import { ValueError } from "../../core/errors.js";

/** One row's fields and the line it starts on. */
export interface RawRow {
  fields: string[];
  line: number;
}

/** Rows found in a text, and how far the complete ones reach. */
interface Scan {
  rows: RawRow[];
  pos: number;
  line: number;
}

/** Thrown (as a ValueError) with the source and line in the message. */
export type Failer = (line: number, what: string) => never;

/** Line breaks in `s`, counting "\r\n" once. */
function countBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && s.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/** Feeds chunks of CSV text, takes out complete rows. */
export class CsvTokenizer {
  readonly #delimiter: string;
  readonly #fail: Failer;
  #pending = "";
  #line = 1;
  #started = false;

  constructor(delimiter: string, fail: Failer) {
    this.#delimiter = delimiter;
    this.#fail = fail;
  }

  /** The rows that `chunk` completes. */
  push(chunk: string): RawRow[] {
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.#pending += chunk;
    return this.#take(false);
  }

  /** The last rows, at the end of the text. */
  end(): RawRow[] {
    return this.#take(true);
  }

  #take(final: boolean): RawRow[] {
    const s = scan(
      this.#pending,
      this.#line,
      this.#delimiter,
      final,
      this.#fail,
    );
    this.#pending = this.#pending.slice(s.pos);
    this.#line = s.line;
    return s.rows;
  }
}

/**
 * Reads whole rows from `text`. Without `final`, a row that the text does
 * not finish is left for the next chunk (`pos` stops before it).
 */
function scan(
  text: string,
  line: number,
  delimiter: string,
  final: boolean,
  fail: Failer,
): Scan {
  const rows: RawRow[] = [];
  let pos = 0;
  while (pos < text.length) {
    const row = scanRow(text, pos, line, delimiter, final, fail);
    if (row === null) break;
    if (!row.blank) rows.push({ fields: row.fields, line });
    pos = row.end;
    line = row.line;
  }
  return { rows, pos, line };
}

interface Row {
  fields: string[];
  blank: boolean;
  end: number;
  line: number;
}

/** One row from `start`, or null when the text ends inside it. */
function scanRow(
  text: string,
  start: number,
  line: number,
  delimiter: string,
  final: boolean,
  fail: Failer,
): Row | null {
  const fields: string[] = [];
  let p = start;
  let quotedAny = false;
  for (;;) {
    let value: string;
    if (text[p] === '"') {
      quotedAny = true;
      const q = scanQuoted(text, p, line, final, fail);
      if (q === null) return null;
      value = q.value;
      line += q.breaks;
      p = q.end;
      const c = text[p];
      if (p < text.length && c !== delimiter && c !== "\n" && c !== "\r") {
        fail(
          line,
          `expected a delimiter or a line end after a closing quote, got ` +
            JSON.stringify(c),
        );
      }
    } else {
      let k = p;
      for (; k < text.length; k++) {
        const c = text[k];
        if (c === delimiter || c === "\n" || c === "\r") break;
        if (c === '"') {
          fail(
            line,
            `found a quote inside an unquoted field; quote the whole field ` +
              `and double the quote ("")`,
          );
        }
      }
      if (k >= text.length && !final) return null;
      value = text.slice(p, k);
      p = k;
    }
    fields.push(value);
    if (p >= text.length) {
      if (!final) return null;
      return { fields, blank: isBlank(fields, quotedAny), end: p, line };
    }
    if (text[p] === delimiter) {
      p++;
      continue;
    }
    if (text[p] === "\r") {
      if (p + 1 >= text.length && !final) return null;
      p += text[p + 1] === "\n" ? 2 : 1;
    } else {
      p++;
    }
    return {
      fields,
      blank: isBlank(fields, quotedAny),
      end: p,
      line: line + 1,
    };
  }
}

function isBlank(fields: string[], quoted: boolean): boolean {
  return !quoted && fields.length === 1 && fields[0] === "";
}

/** A quoted field from its opening quote at `p`. */
function scanQuoted(
  text: string,
  p: number,
  line: number,
  final: boolean,
  fail: Failer,
): { value: string; end: number; breaks: number } | null {
  let value = "";
  let from = p + 1;
  for (;;) {
    const k = text.indexOf('"', from);
    if (k < 0) {
      if (!final) return null;
      fail(line, `found a quoted field that is never closed`);
    }
    value += text.slice(from, k);
    if (k + 1 >= text.length && !final) return null;
    if (text[k + 1] !== '"') {
      return { value, end: k + 1, breaks: countBreaks(value) };
    }
    value += '"';
    from = k + 2;
  }
}

/** A Failer that throws ValueErrors starting with `prefix`. */
export function failer(prefix: string): Failer {
  return (line, what) => {
    throw new ValueError(`${prefix} line ${line}: ${what}`);
  };
}
