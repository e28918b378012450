//! Where dataset files come from: a folder on disk, or files uploaded in memory. Either can be
//! read again, which lets error reports find the line of a problem found after writing.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

/// One `.csv` file of a dataset.
pub struct SourceFile {
    /// The file name, like `transactions.csv`.
    pub name: String,
    /// Its size in bytes, for progress.
    pub size: u64,
    body: Body,
}

enum Body {
    Disk(PathBuf),
    Memory(std::sync::Arc<[u8]>),
}

impl SourceFile {
    /// Opens the file for reading from its beginning.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match &self.body {
            Body::Disk(p) => Box::new(BufReader::with_capacity(1 << 20, File::open(p)?)),
            Body::Memory(b) => Box::new(Cursor::new(b.clone())),
        })
    }
}

/// The `.csv` files of a dataset; files of other kinds are ignored.
pub struct Source {
    /// The files, in no particular order.
    pub files: Vec<SourceFile>,
}

impl Source {
    /// Lists the `.csv` files of a folder.
    pub fn from_dir(dir: &Path) -> io::Result<Source> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let is_csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            // `metadata` follows symbolic links, so a linked file is imported like any other.
            let meta = std::fs::metadata(&path)?;
            if is_csv && meta.is_file() {
                let name = entry.file_name().to_string_lossy().into_owned();
                files.push(SourceFile {
                    name,
                    size: meta.len(),
                    body: Body::Disk(path),
                });
            }
        }
        Ok(Source { files })
    }

    /// Wraps files held in memory (an upload), ignoring names that do not end in `.csv`.
    pub fn from_memory(files: Vec<(String, Vec<u8>)>) -> Source {
        let files = files
            .into_iter()
            .filter(|(name, _)| name.to_ascii_lowercase().ends_with(".csv"))
            .map(|(name, bytes)| SourceFile {
                name,
                size: bytes.len() as u64,
                body: Body::Memory(bytes.into()),
            })
            .collect();
        Source { files }
    }

    /// Returns the file with this name.
    pub fn get(&self, name: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.name == name)
    }
}
