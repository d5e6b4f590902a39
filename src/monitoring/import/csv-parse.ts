/**
 * A streaming RFC 4180 CSV reader: quoted fields may hold commas, quotes ("") and newlines; CRLF
 * or LF line ends; a UTF-8 byte order mark is dropped. Bytes are decoded strictly as UTF-8, so a
 * file in another encoding fails with the byte offset and line of the first bad sequence.
 */
export class CsvEncodingError extends Error {
  override name = 'CsvEncodingError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export interface CsvRecord {
  fields: string[];
  /** Line of the record's first character (1-based). */
  line: number;
}

export class CsvReader {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  #line = 1;
  #bytes = 0;
  #first = true;
  #field = '';
  #fields: string[] = [];
  #quoted = false;
  #inQuotes = false;
  #afterQuote = false;
  #recordLine = 1;
  #pendingCR = false;

  /** Feeds bytes; returns the records completed by them. */
  push(chunk: Uint8Array): CsvRecord[] {
    if (
      this.#first &&
      chunk.length >= 2 &&
      ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
    )
      throw new CsvEncodingError('the file is UTF-16; save it as UTF-8', 1);
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: true });
    } catch {
      const bad = firstBadByte(chunk);
      const before = new TextDecoder('utf-8').decode(chunk.subarray(0, bad));
      const line = this.#line + countNewlines(this.#field) + countNewlines(before);
      throw new CsvEncodingError(
        `the file is not valid UTF-8 (byte ${this.#bytes + bad}, line ${line}); save it as UTF-8`,
        line,
      );
    }
    this.#bytes += chunk.length;
    if (this.#first) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return this.#scan(text);
  }

  /** Ends the input; returns the last record, if any. */
  end(): CsvRecord[] {
    try {
      this.#decoder.decode();
    } catch {
      throw new CsvEncodingError('the file ends inside a UTF-8 sequence', this.#line);
    }
    if (this.#inQuotes)
      throw new CsvSyntaxError(
        `a quoted field opened on line ${this.#recordLine} is never closed`,
        this.#recordLine,
      );
    if (this.#field !== '' || this.#fields.length > 0 || this.#quoted) {
      this.#fields.push(this.#field);
      const rec = { fields: this.#fields, line: this.#recordLine };
      this.#fields = [];
      this.#field = '';
      return [rec];
    }
    return [];
  }

  #scan(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let field = this.#field;
    let i = 0;
    const n = text.length;
    if (this.#pendingCR) {
      this.#pendingCR = false;
      if (text.charCodeAt(0) === 10) i = 1;
    }
    while (i < n) {
      if (this.#inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          const piece = text.slice(i);
          this.#line += countNewlines(piece);
          field += piece;
          i = n;
          break;
        }
        const piece = text.slice(i, q);
        this.#line += countNewlines(piece);
        field += piece;
        if (q + 1 >= n) {
          // A quote at the end of the chunk: decide with the next chunk.
          this.#inQuotes = false;
          this.#afterQuote = true;
          i = q + 1;
          break;
        }
        if (text.charCodeAt(q + 1) === 34) {
          field += '"';
          i = q + 2;
        } else {
          this.#inQuotes = false;
          this.#afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.#afterQuote && c === 34) {
        // "" split across chunks: an escaped quote.
        field += '"';
        this.#inQuotes = true;
        this.#afterQuote = false;
        i += 1;
        continue;
      }
      if (c === 44) {
        this.#fields.push(field);
        field = '';
        this.#quoted = false;
        this.#afterQuote = false;
        i += 1;
      } else if (c === 10 || c === 13) {
        this.#fields.push(field);
        out.push({ fields: this.#fields, line: this.#recordLine });
        this.#fields = [];
        field = '';
        this.#quoted = false;
        this.#afterQuote = false;
        this.#line += 1;
        if (c === 13) {
          if (i + 1 < n && text.charCodeAt(i + 1) === 10) i += 1;
          else if (i + 1 >= n) this.#pendingCR = true;
        }
        i += 1;
        this.#recordLine = this.#line;
      } else if (c === 34 && field === '' && !this.#quoted) {
        this.#inQuotes = true;
        this.#quoted = true;
        i += 1;
      } else {
        if (this.#afterQuote)
          throw new CsvSyntaxError(
            `line ${this.#line}: text after a closing quote (a quote inside a field must be doubled)`,
            this.#line,
          );
        // Plain run up to the next delimiter.
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === 44 || d === 10 || d === 13) break;
          if (d === 34)
            throw new CsvSyntaxError(`line ${this.#line}: a quote inside an unquoted field`, this.#line);
          j += 1;
        }
        field += text.slice(i, j);
        i = j;
      }
    }
    this.#field = field;
    return out;
  }
}

function countNewlines(s: string): number {
  let k = 0;
  for (let p = s.indexOf('\n'); p >= 0; p = s.indexOf('\n', p + 1)) k += 1;
  return k;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence. */
function firstBadByte(chunk: Uint8Array): number {
  let i = 0;
  while (i < chunk.length) {
    const b = chunk[i] ?? 0;
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = chunk[i + k];
      if (c === undefined) return i;
      if ((c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return chunk.length;
}

/** Quotes a field when it holds a comma, quote, CR or LF (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line, each field quoted where RFC 4180 needs it, without its line break. */
export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(',');
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const isFormula = (value: string) => FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);

/**
 * A cell as an export writes it: one a spreadsheet would run as a formula (it starts with = + - @,
 * tab or CR and is not a plain number such as -12.5) gets a leading apostrophe, so that opening an
 * export of reports filed by anyone cannot run their text (OWASP "CSV injection").
 */
export function neutraliseFormula(value: string): string {
  return isFormula(value) ? `'${value}` : value;
}

/**
 * A cell as every CSV Truceline writes for people (exports, import problem reports) holds it: a
 * formula cell neutralised by `neutraliseFormula` and always quoted (OWASP: prefix and quote), any
 * other cell quoted where RFC 4180 needs it. Parsed back, the cell is the neutralised text.
 */
export function safeCsvField(value: string): string {
  return isFormula(value) ? `"'${value.replace(/"/g, '""')}"` : csvField(value);
}

/** One CSV line of `safeCsvField` cells, without its line break. */
export function safeCsvLine(values: readonly string[]): string {
  return values.map(safeCsvField).join(',');
}

/** The inverse of `neutraliseFormula`, for imports: an exported file reads back as the text that was filed. */
export function restoreFormula(value: string): string {
  return value.startsWith("'") && isFormula(value.slice(1)) ? value.slice(1) : value;
}

/** Parses a whole CSV text (tests and small files). */
export function parseCsv(text: string): CsvRecord[] {
  const reader = new CsvReader();
  return [...reader.push(new TextEncoder().encode(text)), ...reader.end()];
}
