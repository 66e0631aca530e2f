// SPDX-License-Identifier: Apache-2.0
/**
 * CSV datasets: parsing (RFC 4180 quoting, line endings, chunk
 * boundaries), column types, selection and labels, every bad row's error,
 * bad options, files, file: URLs and http URLs.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import * as tg from "tensorgrad";
import { CsvTokenizer, failer } from "../../../src/nn/data/csv-parse.js";
import { allclose } from "../../helpers.js";

const fixtures = fileURLToPath(new URL("../../fixtures/csv/", import.meta.url));
const fixture = (name: string) => join(fixtures, name);
const scratch = mkdtempSync(join(tmpdir(), "tensorgrad-csv-"));

/** A ValueError whose message matches `pattern` exactly as a whole. */
function valueError(pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    if (!(e instanceof tg.ValueError)) return false;
    assert.match(e.message, pattern);
    return true;
  };
}

/** The rows an iteration gives before it throws, and what it threw. */
function readUntilError(ds: Iterable<unknown>): [unknown[], unknown] {
  const rows: unknown[] = [];
  try {
    for (const r of ds) rows.push(r);
  } catch (e) {
    return [rows, e];
  }
  return [rows, null];
}

describe("csv: reading files", () => {
  test("records of typed values, one per row; size unknown; re-iterable", () => {
    const ds = tg.data.csv(fixture("iris-mini.csv"));
    assert.equal(ds.isAsync, false);
    assert.equal(ds.size, null);
    const rows = ds.toArray();
    assert.equal(rows.length, 6);
    assert.deepEqual(rows[0], {
      sepal_length: 5.1,
      sepal_width: 3.5,
      petal_length: 1.4,
      petal_width: 0.2,
      species: "setosa",
    });
    assert.deepEqual(ds.toArray(), rows);
  });

  test("labelColumns split each row into { xs, ys }", () => {
    const ds = tg.data.csv(fixture("iris-mini.csv"), {
      labelColumns: ["species"],
      selectColumns: ["petal_width", "sepal_length"],
    });
    const rows = ds.toArray();
    assert.deepEqual(rows[2], {
      xs: { petal_width: 1.4, sepal_length: 7.0 },
      ys: { species: "versicolor" },
    });
    // deepEqual ignores key order; the order follows selectColumns.
    assert.deepEqual(Object.keys(rows[2].xs), ["petal_width", "sepal_length"]);
  });

  test("columnConfigs isLabel and dtype, as TensorFlow.js", () => {
    const ds = tg.data.csvFromString("a,b,c\n1,2,3\n", {
      columnConfigs: { a: { isLabel: true }, c: { dtype: "string" } },
      labelColumns: ["b"],
    });
    assert.deepEqual(ds.toArray(), [{ xs: { c: "3" }, ys: { b: 2, a: 1 } }]);
  });

  test("a file: URL reads the same file", () => {
    const byUrl = tg.data.csv(pathToFileURL(fixture("iris-mini.csv")));
    const byString = tg.data.csv(pathToFileURL(fixture("iris-mini.csv")).href);
    const byPath = tg.data.csv(fixture("iris-mini.csv")).toArray();
    assert.deepEqual(byUrl.toArray(), byPath);
    assert.deepEqual(byString.toArray(), byPath);
  });

  test("quoted fields, CRLF line ends, a line break in a field, a blank line", () => {
    const rows = tg.data.csv(fixture("quoted.csv")).toArray();
    assert.deepEqual(rows, [
      { id: 1, name: "Smith, J.", comment: 'said "hi"', score: 7.5 },
      { id: 2, name: "Lee", comment: "two\r\nlines", score: 8 },
      { id: 3, name: "Ng", comment: "plain", score: 9 },
    ]);
  });

  test("a file larger than one chunk, with fields across chunk boundaries", () => {
    const lines = ["n,text,é"];
    for (let i = 0; i < 6000; i++) {
      lines.push(`${i},"row ${i}, with ""quotes""\nand a break",ü${i}é`);
    }
    lines.push("6000,last,x,extra");
    const file = join(scratch, "big.csv");
    writeFileSync(file, lines.join("\n"));
    const [rows, err] = readUntilError(tg.data.csv(file));
    assert.equal(rows.length, 6000);
    rows.forEach((r, i) =>
      assert.deepEqual(r, {
        n: i,
        text: `row ${i}, with "quotes"\nand a break`,
        é: `ü${i}é`,
      }),
    );
    assert.ok(err instanceof tg.ValueError);
    // Header on line 1, each row takes two lines: row 6000 starts on 12002.
    assert.match(
      err.message,
      /big\.csv" line 12002: expected 3 fields, got 4$/,
    );
  });

  test("a missing file: a ValueError at once", () => {
    assert.throws(
      () => tg.data.csv(join(scratch, "nope.csv")),
      valueError(/^csv: cannot read ".*nope\.csv": ENOENT/),
    );
  });

  test("an http URL is refused with a pointer to csvFromUrl", () => {
    assert.throws(
      () => tg.data.csv("https://example.com/a.csv"),
      valueError(
        /^csv: expected a file path or a file: URL, got "https:\/\/example\.com\/a\.csv"; use csvFromUrl/,
      ),
    );
  });
});

describe("csv: values", () => {
  const one = (text: string, options?: tg.data.CsvOptions) =>
    tg.data.csvFromString(text, options).toArray();

  test("numbers parse strictly, as Number() reads them", () => {
    assert.deepEqual(one("a,b,c,d,e\n 2 ,-1e3,0x10,Infinity,NaN\n"), [
      { a: 2, b: -1000, c: 16, d: Infinity, e: NaN },
    ]);
    assert.throws(
      () => one("a\n1\n1.5abc\n"),
      valueError(
        /^csvFromString: line 3: expected a number in column "a", got "1\.5abc"$/,
      ),
    );
  });

  test("a column's type comes from its first non-empty value", () => {
    assert.deepEqual(one("a,b\n1,x\n2,3\n"), [
      { a: 1, b: "x" },
      { a: 2, b: "3" },
    ]);
  });

  test("dtype int32, bool and string", () => {
    const options: tg.data.CsvOptions = {
      columnConfigs: {
        i: { dtype: "int32" },
        b: { dtype: "bool" },
        s: { dtype: "string" },
      },
    };
    assert.deepEqual(one("i,b,s\n3,TRUE,007\n-4,0, \n", options), [
      { i: 3, b: 1, s: "007" },
      { i: -4, b: 0, s: " " },
    ]);
    assert.throws(
      () => one("i,b,s\n1.5,true,x\n", options),
      valueError(
        /^csvFromString: line 2: expected an int32 in column "i", got "1\.5"$/,
      ),
    );
    assert.throws(
      () => one("i,b,s\n1,yes,x\n", options),
      valueError(
        /^csvFromString: line 2: expected a boolean \(true, false, 1 or 0\) in column "b", got "yes"$/,
      ),
    );
  });

  test('empty fields: the default, "" for strings, else an error', () => {
    const options: tg.data.CsvOptions = {
      columnConfigs: {
        a: { default: -1 },
        s: { dtype: "string" },
        f: { dtype: "bool", default: true },
      },
    };
    assert.deepEqual(one("a,s,f\n,,\n", options), [{ a: -1, s: "", f: 1 }]);
    assert.throws(
      () => tg.data.csv(fixture("missing.csv")).toArray(),
      valueError(
        /^csv: ".*missing\.csv" line 3: expected a value in column "b", got an empty field \(set columnConfigs\["b"\]\.default to fill empty fields\)$/,
      ),
    );
  });

  test("label columns are required unless said otherwise", () => {
    const text = "a,y\n1,\n";
    assert.throws(
      () =>
        one(text, {
          labelColumns: ["y"],
          columnConfigs: { y: { dtype: "string" } },
        }),
      valueError(
        /^csvFromString: line 2: expected a value in the required column "y", got an empty field$/,
      ),
    );
    const optional = one(text, {
      labelColumns: ["y"],
      columnConfigs: { y: { dtype: "string", required: false } },
    });
    assert.deepEqual(optional, [{ xs: { a: 1 }, ys: { y: "" } }]);
  });

  test("required columns refuse empty fields, even strings", () => {
    assert.throws(
      () =>
        one("a,s\n1,x\n2,\n", {
          columnConfigs: { s: { dtype: "string", required: true } },
        }),
      valueError(
        /^csvFromString: line 3: expected a value in the required column "s", got an empty field$/,
      ),
    );
  });

  test("other delimiters; header names are trimmed", () => {
    assert.deepEqual(one("a; b\n1;2\n", { delimiter: ";" }), [{ a: 1, b: 2 }]);
    assert.deepEqual(one('a\tb\n1\t"x\ty"\n', { delimiter: "\t" }), [
      { a: 1, b: "x\ty" },
    ]);
  });

  test("no header: columnNames name the columns", () => {
    assert.deepEqual(
      one("1,2\n3,4\n", { hasHeader: false, columnNames: ["x", "y"] }),
      [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
    );
  });

  test("columnNames replace the header's names", () => {
    assert.deepEqual(one("a,b\n1,2\n", { columnNames: ["x", "y"] }), [
      { x: 1, y: 2 },
    ]);
    assert.throws(
      () => one("a,b\n1,2\n", { columnNames: ["x"] }),
      valueError(
        /^csvFromString: line 1: expected one name in columnNames per header field \(2\), got 1 columnNames$/,
      ),
    );
  });

  test("a byte order mark, a last line without a line break, \\r alone", () => {
    assert.deepEqual(one("\ufeffa,b\r1,2\r3,4"), [
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
  });

  test("rows batch into tensors once mapped to numbers", () => {
    const ds = tg.data
      .csv(fixture("iris-mini.csv"), { labelColumns: ["species"] })
      .map(({ xs, ys }) => [
        Object.values(xs) as number[],
        ["setosa", "versicolor", "virginica"].indexOf(ys.species as string),
      ])
      .batch(4);
    const [first, last] = ds.toArray();
    const [x, y] = first!;
    const [x2] = last!;
    assert.deepEqual(x!.shape, [4, 4]);
    allclose(x!.slice([0, 0], [1, 4]), [[5.1, 3.5, 1.4, 0.2]]);
    allclose(y!, [0, 0, 1, 1]);
    assert.deepEqual(x2!.shape, [2, 4]);
  });
});

describe("csv: a bad row ends the iteration with an error naming its line", () => {
  test("a wrong number of fields", () => {
    const [rows, err] = readUntilError(tg.data.csv(fixture("bad-fields.csv")));
    assert.deepEqual(rows, [
      { a: 1, b: 2, label: 0 },
      { a: 3, b: 4, label: 1 },
    ]);
    assert.ok(err instanceof tg.ValueError);
    assert.match(
      err.message,
      /^csv: ".*bad-fields\.csv" line 4: expected 3 fields, got 2$/,
    );
  });

  test("a value that is not a number in a numeric column", () => {
    const ds = tg.data.csv(fixture("bad-number.csv"), {
      labelColumns: ["label"],
    });
    const [rows, err] = readUntilError(ds);
    assert.equal(rows.length, 1);
    assert.ok(err instanceof tg.ValueError);
    assert.match(
      err.message,
      /^csv: ".*bad-number\.csv" line 3: expected a number in column "b", got "x4"$/,
    );
    assert.throws(
      () => ds.toArray(),
      tg.ValueError,
      "every iteration stops there",
    );
  });

  test("bad quoting", () => {
    const cases: [string, RegExp][] = [
      [
        'a,b\n1,"open\n2,3\n',
        /^csvFromString: line 2: found a quoted field that is never closed$/,
      ],
      [
        'a,b\n1,"x"y\n',
        /^csvFromString: line 2: expected a delimiter or a line end after a closing quote, got "y"$/,
      ],
      [
        'a,b\n1,"two\nlines"z\n',
        /^csvFromString: line 3: expected a delimiter/,
      ],
      [
        'a,b\n1,2\n3,x"y\n',
        /^csvFromString: line 3: found a quote inside an unquoted field; quote the whole field and double the quote \(""\)$/,
      ],
    ];
    for (const [text, pattern] of cases) {
      assert.throws(
        () => tg.data.csvFromString(text).toArray(),
        valueError(pattern),
      );
    }
  });

  test("line numbers count line breaks inside quoted fields", () => {
    const text = 'a,b\n1,"x\ny\nz"\n2\n';
    assert.throws(
      () => tg.data.csvFromString(text).toArray(),
      valueError(/^csvFromString: line 5: expected 2 fields, got 1$/),
    );
  });
});

describe("csv: bad options fail when the dataset is made", () => {
  const text = "a,b,c\n1,2,3\n";
  const cases: [string, tg.data.CsvOptions, RegExp][] = [
    [
      "an unknown label",
      { labelColumns: ["z"] },
      /^csvFromString: expected labelColumns to name columns of the file \(a, b, c\), got "z"$/,
    ],
    [
      "an unknown selected column",
      { selectColumns: ["a", "q"] },
      /selectColumns.*got "q"$/,
    ],
    [
      "an unknown configured column",
      { columnConfigs: { q: {} } },
      /columnConfigs.*got "q"$/,
    ],
    [
      "repeated labels",
      { labelColumns: ["a", "a"] },
      /^csvFromString: expected labelColumns to be an array of distinct column names, got labelColumns=\["a","a"\]$/,
    ],
    [
      "a long delimiter",
      { delimiter: ";;" },
      /^csvFromString: expected delimiter to be one character other than a quote or a line break, got delimiter=";;"$/,
    ],
    ["a quote delimiter", { delimiter: '"' }, /delimiter="\\""$/],
    [
      "no header, no names",
      { hasHeader: false },
      /^csvFromString: expected columnNames when hasHeader is false, got none$/,
    ],
    [
      "a bad dtype",
      { columnConfigs: { a: { dtype: "complex64" as "int32" } } },
      /^csvFromString: columnConfigs\["a"\]: expected dtype to be one of float32, float64, int32, bool, string, got dtype="complex64"$/,
    ],
    [
      "a default of the wrong type",
      { columnConfigs: { a: { dtype: "int32", default: "x" } } },
      /^csvFromString: columnConfigs\["a"\]: expected default to be a number, got default="x"$/,
    ],
    [
      "a non-boolean isLabel",
      { columnConfigs: { a: { isLabel: 1 as unknown as boolean } } },
      /expected isLabel to be a boolean, got isLabel=1$/,
    ],
    [
      "a non-boolean hasHeader",
      { hasHeader: "yes" as unknown as boolean },
      /^csvFromString: expected hasHeader to be a boolean/,
    ],
  ];
  for (const [name, options, pattern] of cases) {
    test(name, () => {
      assert.throws(
        () => tg.data.csvFromString(text, options),
        valueError(pattern),
      );
    });
  }

  test("a header with a repeated or empty name", () => {
    assert.throws(
      () => tg.data.csvFromString("a,b,a\n1,2,3\n"),
      valueError(/^csvFromString: the column name "a" appears twice$/),
    );
    assert.throws(
      () => tg.data.csvFromString("a,,c\n1,2,3\n"),
      valueError(/^csvFromString: column 2 has an empty name$/),
    );
  });

  test("an empty file has no header", () => {
    assert.throws(
      () => tg.data.csvFromString(""),
      valueError(/^csvFromString: expected a header line, got no lines$/),
    );
  });

  test("not a string", () => {
    assert.throws(
      () => tg.data.csvFromString(5 as unknown as string),
      valueError(/^csvFromString: expected the CSV text as a string, got 5$/),
    );
  });
});

describe("csv tokenizer", () => {
  const field = fc.oneof(
    fc.stringMatching(/^[a-z0-9 .]*$/),
    fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", " ", "é") }),
  );
  const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 8,
  });
  const quote = (f: string) => `"${f.replaceAll('"', '""')}"`;
  const fail = failer("test:");

  test("any chunking gives the same rows as the whole text", () => {
    fc.assert(
      fc.property(
        rows,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        (table, cuts, eol) => {
          const text = table.map((r) => r.map(quote).join(",")).join(eol);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))];
          points.sort((a, b) => a - b);
          const tok = new CsvTokenizer(",", fail);
          const got: string[][] = [];
          let from = 0;
          for (const p of [...points, text.length]) {
            got.push(...tok.push(text.slice(from, p)).map((r) => r.fields));
            from = p;
          }
          got.push(...tok.end().map((r) => r.fields));
          assert.deepEqual(got, table);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("csvFromUrl", () => {
  let server: Server;
  let base = "";
  const files: Record<string, string> = {
    "/iris.csv": "a,b,label\n1,2,0\n3,4,1\n",
    "/bad.csv": "a,b\n1,2\n3\n",
    "/empty.csv": "",
  };

  before(async () => {
    server = createServer((req, res) => {
      const body = files[req.url ?? ""];
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/csv" });
      // Two writes: the body arrives in more than one chunk.
      res.write(body.slice(0, 7));
      res.end(body.slice(7));
    });
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", resolve),
    );
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.close();
  });

  test("streams rows asynchronously, labeled, re-iterable", async () => {
    const ds = tg.data.csvFromUrl(`${base}/iris.csv`, {
      labelColumns: ["label"],
    });
    assert.equal(ds.isAsync, true);
    const rows: unknown[] = [];
    for await (const r of ds) rows.push(r);
    assert.deepEqual(rows, [
      { xs: { a: 1, b: 2 }, ys: { label: 0 } },
      { xs: { a: 3, b: 4 }, ys: { label: 1 } },
    ]);
    assert.deepEqual(await ds.toArray(), rows);
  });

  test("a bad row, a missing file, an unknown column, an empty body", async () => {
    await assert.rejects(
      tg.data.csvFromUrl(`${base}/bad.csv`).toArray(),
      valueError(
        /^csvFromUrl: "http:\/\/127\.0\.0\.1:\d+\/bad\.csv" line 3: expected 2 fields, got 1$/,
      ),
    );
    await assert.rejects(
      tg.data.csvFromUrl(`${base}/none.csv`).toArray(),
      valueError(/^csvFromUrl: ".*none\.csv" cannot fetch: HTTP 404/),
    );
    await assert.rejects(
      tg.data.csvFromUrl(`${base}/iris.csv`, { labelColumns: ["y"] }).toArray(),
      valueError(
        /expected labelColumns to name columns of the file \(a, b, label\), got "y"$/,
      ),
    );
    await assert.rejects(
      tg.data.csvFromUrl(`${base}/empty.csv`).toArray(),
      valueError(/expected a header line, got no lines$/),
    );
    assert.throws(
      () => tg.data.csvFromUrl("not a url"),
      valueError(/^csvFromUrl: expected a URL, got "not a url"$/),
    );
  });
});
