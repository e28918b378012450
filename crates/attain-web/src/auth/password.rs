//! Password hashes: argon2id in PHC string form, so each hash carries its own parameters and a
//! cheaper test setting verifies the same way as the production one.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::OsRng;

/// The cost of new password hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordStrength {
    /// OWASP's argon2id setting: 19 MiB of memory, 2 passes, 1 lane.
    Strong,
    /// The smallest argon2id setting, for tests only: fast and weak.
    TestOnly,
}

fn hasher(strength: PasswordStrength) -> Argon2<'static> {
    let params = match strength {
        PasswordStrength::Strong => Params::new(19 * 1024, 2, 1, None),
        PasswordStrength::TestOnly => Params::new(8, 1, 1, None),
    }
    .unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Returns the PHC-string hash of a password with a fresh random salt.
pub fn hash(password: &str, strength: PasswordStrength) -> String {
    let salt = SaltString::generate(&mut OsRng);
    match hasher(strength).hash_password(password.as_bytes(), &salt) {
        Ok(h) => h.to_string(),
        // Hashing fails only for parameters out of range, which the two settings are not.
        Err(e) => unreachable!("argon2 refused fixed parameters: {e}"),
    }
}

/// Returns true when `password` matches the stored hash.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Returns a new random password of 20 letters and digits, easy to copy.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    rand_core::RngCore::fill_bytes(&mut OsRng, &mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse", PasswordStrength::TestOnly);
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("wrong horse", &h));
        assert!(!verify("x", "not a hash"));
        assert_eq!(generate().len(), 20);
    }
}
