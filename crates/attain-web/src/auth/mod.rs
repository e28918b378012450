//! Sign-in: password hashes (argon2id), server-side sessions, API tokens, throttling of failed
//! sign-ins, and creating sign-ins and tokens (for the command line and the pages).

pub mod password;
pub mod session;
pub mod throttle;
pub mod users;

use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// Returns `n` random bytes from the operating system, as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Returns the SHA-256 of a secret as lowercase hex: what is stored instead of the secret.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Normalises an email address for lookup: trimmed and lowercase.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}
