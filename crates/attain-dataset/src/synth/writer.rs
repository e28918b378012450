//! Fast CSV output for the generator: rows are formatted by hand into a byte buffer (integers,
//! cents, fixed-point fractions, ids, dates) with no allocation per row, and flushed to the file
//! in large blocks. Headers come from `spec.rs`, so every file has exactly its spec's columns.

use crate::progress::Progress;
use crate::spec;
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Bytes buffered before a write to the file.
const FLUSH_AT: usize = 1 << 20;
/// Rows between two progress updates.
const PROGRESS_EVERY: u64 = 1 << 16;

/// How the ids of one kind of record are written: a prefix and a zero-padded number.
#[derive(Debug, Clone, Copy)]
pub struct IdKind {
    /// The letters before the number (`P`, `A`, `T`).
    pub prefix: &'static str,
    /// The number of digits, zero-padded.
    pub width: usize,
}

impl IdKind {
    /// Returns ids with this prefix, wide enough for `count` records (and at least `min` digits),
    /// so that byte order and number order agree.
    pub fn new(prefix: &'static str, count: u64, min: usize) -> IdKind {
        IdKind {
            prefix,
            width: digits(count).max(min),
        }
    }

    /// Returns the id of record `n` as a string (for the few places that keep ids as text).
    pub fn text(self, n: u64) -> String {
        let mut rows = Rows::default();
        rows.put_id(self, n);
        String::from_utf8(rows.bytes).expect("ids are ASCII")
    }
}

/// Returns how many decimal digits `n` has (1 for 0).
pub fn digits(mut n: u64) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// CSV rows being formatted into memory: each field method writes the separator it needs.
#[derive(Default)]
pub struct Rows {
    /// The formatted bytes.
    pub bytes: Vec<u8>,
    /// Fields written on the current row.
    fields: usize,
    /// Rows completed.
    pub count: u64,
}

impl Rows {
    /// Returns an empty buffer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Rows {
        Rows {
            bytes: Vec::with_capacity(capacity),
            fields: 0,
            count: 0,
        }
    }

    fn sep(&mut self) {
        if self.fields > 0 {
            self.bytes.push(b',');
        }
        self.fields += 1;
    }

    /// Ends the current row.
    pub fn newline(&mut self) {
        self.bytes.push(b'\n');
        self.fields = 0;
        self.count += 1;
    }

    /// Returns the number of fields written on the current row.
    pub fn fields(&self) -> usize {
        self.fields
    }

    fn put_uint(&mut self, n: u64, width: usize) {
        let mut tmp = [b'0'; 20];
        let mut i = tmp.len();
        let mut n = n;
        loop {
            i -= 1;
            tmp[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let len = tmp.len() - i;
        for _ in len..width {
            self.bytes.push(b'0');
        }
        self.bytes.extend_from_slice(&tmp[i..]);
    }

    fn put_id(&mut self, kind: IdKind, n: u64) {
        self.bytes.extend_from_slice(kind.prefix.as_bytes());
        self.put_uint(n, kind.width);
    }

    /// Writes an id: its kind's prefix and the zero-padded number `n`.
    pub fn id(&mut self, kind: IdKind, n: u64) -> &mut Self {
        self.sep();
        self.put_id(kind, n);
        self
    }

    /// Writes an id if there is one, else an empty field.
    pub fn opt_id(&mut self, kind: IdKind, n: Option<u64>) -> &mut Self {
        match n {
            Some(n) => self.id(kind, n),
            None => self.empty(),
        }
    }

    /// Writes text, quoted (RFC 4180) only when it holds a comma, a quote or a line break.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.bytes.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    self.bytes.push(b'"');
                }
                self.bytes.push(b);
            }
            self.bytes.push(b'"');
        } else {
            self.bytes.extend_from_slice(s.as_bytes());
        }
        self
    }

    /// Writes text known to need no quoting (a vocabulary word, a preformatted date).
    pub fn word(&mut self, s: &[u8]) -> &mut Self {
        self.sep();
        self.bytes.extend_from_slice(s);
        self
    }

    /// Writes an empty field.
    pub fn empty(&mut self) -> &mut Self {
        self.sep();
        self
    }

    /// Writes a whole number.
    pub fn int(&mut self, n: i64) -> &mut Self {
        self.sep();
        if n < 0 {
            self.bytes.push(b'-');
        }
        self.put_uint(n.unsigned_abs(), 0);
        self
    }

    /// Writes money from cents: exactly two decimals, never `-0.00`.
    pub fn money(&mut self, cents: i64) -> &mut Self {
        self.sep();
        if cents < 0 {
            self.bytes.push(b'-');
        }
        let abs = cents.unsigned_abs();
        self.put_uint(abs / 100, 0);
        self.bytes.push(b'.');
        self.put_uint(abs % 100, 2);
        self
    }

    /// Writes a non-negative fixed-point number stored in units of `10^-digits`, in its shortest
    /// exact form (`0.5`, `1`, `12.25`), as the domain types print themselves.
    fn fixed(&mut self, units: u64, digits: u32) -> &mut Self {
        self.sep();
        let scale = 10u64.pow(digits);
        self.put_uint(units / scale, 0);
        let mut frac = units % scale;
        if frac > 0 {
            let mut width = digits as usize;
            while frac.is_multiple_of(10) {
                frac /= 10;
                width -= 1;
            }
            self.bytes.push(b'.');
            self.put_uint(frac, width);
        }
        self
    }

    /// Writes a fraction stored in millionths (`0.05`, `1.25`).
    pub fn ratio(&mut self, micros: u64) -> &mut Self {
        self.fixed(micros, 6)
    }

    /// Writes a percent stored in ten-thousandths (`25`, `12.5`).
    pub fn percent(&mut self, units: u64) -> &mut Self {
        self.fixed(units, 4)
    }
}

/// What was written: `(file name without .csv, rows, bytes)` per file.
#[derive(Default)]
pub struct Tally {
    /// One entry per finished file, in writing order.
    pub files: Vec<(&'static str, u64, u64)>,
}

impl Tally {
    /// Returns the rows written to the named file (0 if none).
    pub fn rows(&self, name: &str) -> u64 {
        self.files.iter().filter(|f| f.0 == name).map(|f| f.1).sum()
    }

    /// Returns the bytes written to all files.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.2).sum()
    }
}

/// One dataset file being written: its header comes from the spec, and each row must have
/// exactly the spec's number of columns.
pub struct CsvFile<'p> {
    name: &'static str,
    tally: &'p RefCell<Tally>,
    rows: Rows,
    file: File,
    width: usize,
    written: u64,
    progress: &'p dyn Progress,
}

impl<'p> CsvFile<'p> {
    /// Creates `dir/NAME.csv` for the spec file `name`, writes its header and starts a progress
    /// stage of `expected_rows`.
    pub fn create(
        dir: &Path,
        name: &'static str,
        expected_rows: u64,
        progress: &'p dyn Progress,
        tally: &'p RefCell<Tally>,
    ) -> io::Result<CsvFile<'p>> {
        let spec = spec::file_spec(name)
            .ok_or_else(|| io::Error::other(format!("{name} is not a dataset file")))?;
        let file = File::create(dir.join(spec.file_name()))?;
        let mut rows = Rows::with_capacity(FLUSH_AT + (64 << 10));
        for c in spec.columns {
            rows.word(c.name.as_bytes());
        }
        rows.newline();
        rows.count = 0;
        progress.start(&spec.file_name(), expected_rows);
        Ok(CsvFile {
            name,
            tally,
            rows,
            file,
            width: spec.columns.len(),
            written: 0,
            progress,
        })
    }

    /// Ends the current row, flushing the buffer when it is large.
    pub fn end(&mut self) -> io::Result<()> {
        debug_assert_eq!(
            self.rows.fields(),
            self.width,
            "a row has every column of its file"
        );
        self.rows.newline();
        if self.rows.count.is_multiple_of(PROGRESS_EVERY) {
            self.progress.set(self.rows.count);
        }
        if self.rows.bytes.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// Appends rows formatted elsewhere (`count` of them, each complete).
    pub fn append(&mut self, bytes: &[u8], count: u64) -> io::Result<()> {
        self.flush()?;
        self.file.write_all(bytes)?;
        self.written += bytes.len() as u64;
        self.rows.count += count;
        self.progress.set(self.rows.count);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.write_all(&self.rows.bytes)?;
        self.written += self.rows.bytes.len() as u64;
        self.rows.bytes.clear();
        Ok(())
    }

    /// Writes what is buffered and records the file's rows and bytes in the tally.
    pub fn finish(mut self) -> io::Result<()> {
        self.flush()?;
        self.file.flush()?;
        self.progress.finish();
        self.tally
            .borrow_mut()
            .files
            .push((self.name, self.rows.count, self.written));
        Ok(())
    }
}

impl std::ops::Deref for CsvFile<'_> {
    type Target = Rows;
    fn deref(&self) -> &Rows {
        &self.rows
    }
}

impl std::ops::DerefMut for CsvFile<'_> {
    fn deref_mut(&mut self) -> &mut Rows {
        &mut self.rows
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use attain_domain::{Money, Percent, Ratio};

    fn one(f: impl FnOnce(&mut Rows) -> &mut Rows) -> String {
        let mut rows = Rows::default();
        f(&mut rows);
        String::from_utf8(rows.bytes).unwrap()
    }

    #[test]
    fn numbers_are_written_as_the_domain_types_print_them() {
        for cents in [0, 5, -5, 100, -100, 123_456, -99, i64::from(i32::MAX)] {
            assert_eq!(
                one(|r| r.money(cents)),
                Money::from_cents(cents).to_string()
            );
        }
        for micros in [0, 1, 50_000, 1_000_000, 1_250_000, 25_000, 123_456_789] {
            assert_eq!(
                one(|r| r.ratio(micros)),
                Ratio::from_micros(micros as i64).to_string()
            );
        }
        for units in [0, 250_000, 125_000, 1, 1_000_000] {
            assert_eq!(
                one(|r| r.percent(units)),
                Percent::from_units(units as i64).to_string()
            );
        }
        assert_eq!(one(|r| r.int(-42).int(0)), "-42,0");
    }

    #[test]
    fn ids_are_zero_padded_and_text_is_quoted_only_when_needed() {
        let kind = IdKind::new("P", 12_345, 3);
        assert_eq!(kind.text(7), "P00007");
        assert_eq!(
            one(|r| r.text("a, \"b\"").text("plain")),
            "\"a, \"\"b\"\"\",plain"
        );
        assert_eq!(digits(0), 1);
        assert_eq!(digits(10), 2);
    }
}
