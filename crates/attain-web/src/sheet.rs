//! Downloads for spreadsheets: one table written as CSV or as an XLSX workbook, with no
//! dependency. Amounts stay numbers — the exact decimal text of the money, never a float — in a
//! two-decimal number format; text that a spreadsheet would take for a formula (`=`, `+`, `-`,
//! `@`, a tab or a carriage return first) is escaped: a leading `'` in CSV, Excel's quote-prefix
//! style in XLSX, whose text cells are inline strings and never formulas anyway.

use attain_domain::{Money, Ratio};
use std::fmt::Write as _;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text, escaped when it starts like a formula.
    Text(String),
    /// Money: a number with two decimals.
    Money(Money),
    /// An attainment or rate (a number shown as a percentage); empty when `None`.
    Ratio(Option<Ratio>),
    /// A whole number (a year, a month, a count).
    Int(i64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<Money> for Cell {
    fn from(m: Money) -> Self {
        Cell::Money(m)
    }
}

/// Returns true when a spreadsheet would read the text as a formula.
pub fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A table to download: a sheet name, a header row and rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The worksheet's name (at most 31 characters in XLSX).
    pub name: String,
    /// The column names.
    pub header: Vec<String>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// Returns the table as CSV (RFC 4180, `\n` line ends).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<Cell> = self.header.iter().map(|h| Cell::Text(h.clone())).collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match cell {
                    Cell::Text(s) => {
                        let s = if formula_like(s) {
                            format!("'{s}")
                        } else {
                            s.clone()
                        };
                        if s.contains([',', '"', '\n', '\r']) {
                            let _ = write!(out, "\"{}\"", s.replace('"', "\"\""));
                        } else {
                            out.push_str(&s);
                        }
                    }
                    Cell::Money(m) => {
                        let _ = write!(out, "{m}");
                    }
                    Cell::Ratio(r) => {
                        if let Some(r) = r {
                            out.push_str(&r.fixed6());
                        }
                    }
                    Cell::Int(n) => {
                        let _ = write!(out, "{n}");
                    }
                }
            }
            out.push('\n');
        }
        out
    }

    /// Returns the table as an XLSX workbook of one worksheet.
    pub fn to_xlsx(&self) -> Vec<u8> {
        let name: String = xml_text(&self.name)
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        let files: [(&str, String); 6] = [
            ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
            ("_rels/.rels", ROOT_RELS.to_owned()),
            (
                "xl/workbook.xml",
                format!(
                    "{XML_HEAD}<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheets>\
                     <sheet name=\"{name}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
                ),
            ),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_owned()),
            ("xl/styles.xml", STYLES.to_owned()),
            ("xl/worksheets/sheet1.xml", self.sheet_xml()),
        ];
        zip_stored(&files)
    }

    fn sheet_xml(&self) -> String {
        let mut out = format!("{XML_HEAD}<worksheet xmlns=\"{MAIN_NS}\">");
        out.push_str("<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" state=\"frozen\"/></sheetView></sheetViews><sheetData>");
        let header: Vec<Cell> = self.header.iter().map(|h| Cell::Text(h.clone())).collect();
        for (r, row) in std::iter::once(&header).chain(&self.rows).enumerate() {
            let _ = write!(out, "<row r=\"{}\">", r + 1);
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", column_name(c), r + 1);
                match cell {
                    Cell::Text(s) => {
                        let style = if r == 0 {
                            STYLE_HEADER
                        } else if formula_like(s) {
                            STYLE_QUOTED
                        } else {
                            0
                        };
                        let _ = write!(
                            out,
                            "<c r=\"{at}\" t=\"inlineStr\" s=\"{style}\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                            xml_text(s)
                        );
                    }
                    Cell::Money(m) => {
                        let _ = write!(out, "<c r=\"{at}\" s=\"{STYLE_MONEY}\"><v>{m}</v></c>");
                    }
                    Cell::Ratio(Some(ratio)) => {
                        let _ = write!(
                            out,
                            "<c r=\"{at}\" s=\"{STYLE_PERCENT}\"><v>{}</v></c>",
                            ratio.fixed6()
                        );
                    }
                    Cell::Ratio(None) => {}
                    Cell::Int(n) => {
                        let _ = write!(out, "<c r=\"{at}\"><v>{n}</v></c>");
                    }
                }
            }
            out.push_str("</row>");
        }
        out.push_str("</sheetData></worksheet>");
        out
    }
}

/// Returns the spreadsheet name of column `i` (0 → `A`, 26 → `AA`).
fn column_name(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// Escapes text for XML and drops the control characters XML 1.0 cannot hold.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const STYLE_MONEY: u8 = 1;
const STYLE_QUOTED: u8 = 2;
const STYLE_HEADER: u8 = 3;
const STYLE_PERCENT: u8 = 4;

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
</Relationships>";

const WORKBOOK_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

/// Styles by index: 0 plain, 1 money `#,##0.00`, 2 quote-prefixed text, 3 bold header,
/// 4 percentage `0.0%`.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"#,##0.00\"/><numFmt numFmtId=\"165\" formatCode=\"0.0%\"/></numFmts>\
<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>\
<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"5\">\
<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" quotePrefix=\"1\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>\
<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
</cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
</styleSheet>";

/// Returns the CRC-32 (IEEE) of `data`, as ZIP requires.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Returns a ZIP archive holding `files` uncompressed (method 0, "stored").
pub fn zip_stored(files: &[(&str, String)]) -> Vec<u8> {
    // 1980-01-01 00:00, the earliest MS-DOS date: the bytes do not depend on the clock.
    const DOS_TIME: u16 = 0;
    const DOS_DATE: u16 = (1 << 5) | 1;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let data = data.as_bytes();
        let (crc, size) = (crc32(data), data.len() as u32);
        let offset = out.len() as u32;
        let put16 = |v: &mut Vec<u8>, n: u16| v.extend_from_slice(&n.to_le_bytes());
        let put32 = |v: &mut Vec<u8>, n: u32| v.extend_from_slice(&n.to_le_bytes());
        put32(&mut out, 0x0403_4b50);
        for n in [20u16, 0, 0, DOS_TIME, DOS_DATE] {
            put16(&mut out, n);
        }
        for n in [crc, size, size] {
            put32(&mut out, n);
        }
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        put32(&mut central, 0x0201_4b50);
        for n in [20u16, 20, 0, 0, DOS_TIME, DOS_DATE] {
            put16(&mut central, n);
        }
        for n in [crc, size, size] {
            put32(&mut central, n);
        }
        for n in [name.len() as u16, 0, 0, 0, 0] {
            put16(&mut central, n);
        }
        put32(&mut central, 0);
        put32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let (cd_offset, cd_size) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for n in [0u16, 0, files.len() as u16, files.len() as u16] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            name: "Payouts".into(),
            header: vec!["who".into(), "amount".into(), "att".into()],
            rows: vec![
                vec![
                    "=1+1".into(),
                    Cell::Money(Money::from_cents(-245_000)),
                    Cell::Ratio(Some(Ratio::from_micros(291_667))),
                ],
                vec![
                    "a, \"b\"".into(),
                    Cell::Money(Money::from_cents(5)),
                    Cell::Ratio(None),
                ],
            ],
        }
    }

    #[test]
    fn csv_escapes_formulas_and_quotes_but_keeps_negative_amounts_as_numbers() {
        assert_eq!(
            sheet().to_csv(),
            "who,amount,att\n'=1+1,-2450.00,0.291667\n\"a, \"\"b\"\"\",0.05,\n"
        );
    }

    #[test]
    fn xlsx_cells_are_numbers_or_inline_text_and_never_formulas() {
        let xml = sheet().sheet_xml();
        assert!(xml.contains("<c r=\"B2\" s=\"1\"><v>-2450.00</v></c>"));
        assert!(xml.contains(
            "<c r=\"A2\" t=\"inlineStr\" s=\"2\"><is><t xml:space=\"preserve\">=1+1</t>"
        ));
        assert!(xml.contains("<c r=\"C2\" s=\"4\"><v>0.291667</v></c>"));
        assert!(!xml.contains("<f>"));
        let zip = sheet().to_xlsx();
        assert_eq!(&zip[..4], b"PK\x03\x04");
        assert_eq!(&zip[zip.len() - 22..zip.len() - 18], b"PK\x05\x06");
    }

    #[test]
    fn checksums_and_column_names_are_right() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
    }
}
