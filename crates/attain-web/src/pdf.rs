//! PDF export through headless Chromium: the page's HTML is written to a temporary file and
//! printed with `--print-to-pdf` (no network, no session), within a time limit. Chromium is
//! found at `ATTAIN_CHROMIUM` or `/usr/bin/chromium`; the arguments are a fixed list, never a
//! shell string.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long Chromium may take to print.
const LIMIT: Duration = Duration::from_secs(30);

/// Why no PDF came out.
#[derive(Debug)]
pub enum PdfError {
    /// Chromium is not installed at this path.
    Missing(String),
    /// It ran but failed or took too long.
    Failed(String),
}

/// The Chromium binary: `ATTAIN_CHROMIUM` when set, else `/usr/bin/chromium`.
pub fn chromium() -> PathBuf {
    std::env::var_os("ATTAIN_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Prints `html` (a page whose `@page` rule sets the paper) to PDF bytes.
pub fn render(html: &str) -> Result<Vec<u8>, PdfError> {
    let bin = chromium();
    if !bin.is_file() {
        return Err(PdfError::Missing(bin.display().to_string()));
    }
    let failed = |e: std::io::Error| PdfError::Failed(e.to_string());
    let dir = tempfile::tempdir().map_err(failed)?;
    let page = dir.path().join("plan.html");
    let out = dir.path().join("plan.pdf");
    std::fs::write(&page, html).map_err(failed)?;
    let mut child = Command::new(&bin)
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--no-pdf-header-footer")
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(failed)?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(failed)? {
            if !status.success() {
                return Err(PdfError::Failed(format!("chromium exited with {status}")));
            }
            break;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PdfError::Failed(
                "chromium took longer than 30 seconds".into(),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::read(&out).map_err(failed)
}

/// Counts the pages of a PDF: its `/Type /Page` objects (not the `/Pages` tree nodes).
pub fn page_count(pdf: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while let Some(at) = find(&pdf[i..], b"/Type") {
        let mut j = i + at + 5;
        while j < pdf.len() && pdf[j].is_ascii_whitespace() {
            j += 1;
        }
        if pdf[j..].starts_with(b"/Page") && !pdf[j + 5..].starts_with(b"s") {
            n += 1;
        }
        i = j;
    }
    n
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_without_the_page_tree() {
        let pdf =
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] >> << /Type /Page >> <</Type/Page/Parent 2 0 R>>";
        assert_eq!(page_count(pdf), 2);
    }
}
