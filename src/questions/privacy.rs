//! Who asked, kept only as a salted hash: HMAC-SHA-256 of the id under a salt of 32 random
//! bytes made once into `DATA_DIR/question-log.salt`. The same user keeps the same hash across
//! restarts (so "how many people" can be counted), and without the salt file an id cannot be
//! found by trying every number.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// The salt's file in `DATA_DIR`.
pub const SALT_FILE: &str = "question-log.salt";
const SALT_BYTES: usize = 32;
/// Hex digits kept of each hash: 64 bits, plenty to tell the users of one bot apart.
const HASH_HEX: usize = 16;

pub struct Salt {
    key: hmac::Key,
    /// Whether the salt lives only in memory (it could not be saved): hashes then change at
    /// the next start.
    pub ephemeral: bool,
}

impl Salt {
    /// The salt in `dir`, made there if there is none. When it cannot be read or saved, a salt
    /// for this run only, with the reason.
    pub fn load_or_create(dir: &Path) -> (Salt, Option<String>) {
        let path = dir.join(SALT_FILE);
        match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == SALT_BYTES => {
                return (Salt::from_bytes(&bytes, false), None)
            }
            Ok(_) => {
                let problem = format!("{} is not a salt of {SALT_BYTES} bytes", path.display());
                return (Salt::random(true), Some(problem));
            }
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                let problem = format!("{} cannot be read ({error})", path.display());
                return (Salt::random(true), Some(problem));
            }
            Err(_) => {}
        }
        let bytes = random_bytes();
        let saved = std::fs::create_dir_all(dir).and_then(|()| {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            file.write_all(&bytes)?;
            file.sync_all()
        });
        match saved {
            Ok(()) => (Salt::from_bytes(&bytes, false), None),
            // Another process made it first: use theirs.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                Salt::load_or_create(dir)
            }
            Err(error) => {
                let problem = format!("{} cannot be saved ({error})", path.display());
                (Salt::from_bytes(&bytes, true), Some(problem))
            }
        }
    }

    fn from_bytes(bytes: &[u8], ephemeral: bool) -> Salt {
        Salt {
            key: hmac::Key::new(hmac::HMAC_SHA256, bytes),
            ephemeral,
        }
    }

    fn random(ephemeral: bool) -> Salt {
        Salt::from_bytes(&random_bytes(), ephemeral)
    }

    /// The hash of a user or chat id; `what` keeps a user and a chat with the same number apart.
    pub fn hash(&self, what: &str, id: i64) -> String {
        let tag = hmac::sign(&self.key, format!("{what}:{id}").as_bytes());
        // Only the bytes kept are written out, into one string: this runs for every question.
        let kept = &tag.as_ref()[..HASH_HEX / 2];
        kept.iter()
            .fold(String::with_capacity(HASH_HEX), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            })
    }
}

fn random_bytes() -> [u8; SALT_BYTES] {
    let mut bytes = [0u8; SALT_BYTES];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the operating system's random source works");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hashes already in a log must match the same ids asked later, so their form is fixed:
    /// the first 16 hex digits of the HMAC-SHA-256 of `what:id`.
    #[test]
    fn a_hash_keeps_its_form_across_versions() {
        let salt = Salt::from_bytes(&[0; SALT_BYTES], false);
        assert_eq!(salt.hash("user", 1001), "3ba4e78ddd21a30b");
    }

    #[test]
    fn the_salt_is_made_once_and_hashes_hide_the_id_but_stay_stable() {
        let dir = std::env::temp_dir().join(format!("kzcn-salt-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (first, problem) = Salt::load_or_create(&dir);
        assert!(problem.is_none() && !first.ephemeral);
        let (again, _) = Salt::load_or_create(&dir);
        let hash = first.hash("user", 1001);
        assert_eq!(
            hash,
            again.hash("user", 1001),
            "the same salt after a restart"
        );
        assert_eq!(hash.len(), HASH_HEX);
        assert!(!hash.contains("1001"));
        assert_ne!(
            hash,
            first.hash("chat", 1001),
            "users and chats are told apart"
        );
        assert_ne!(hash, first.hash("user", 1002));
        let other = std::env::temp_dir().join(format!("kzcn-salt-other-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&other);
        let (elsewhere, _) = Salt::load_or_create(&other);
        assert_ne!(
            hash,
            elsewhere.hash("user", 1001),
            "another salt, another hash"
        );
        let blocker = dir.join(SALT_FILE).join("x");
        let (fallback, problem) = Salt::load_or_create(&blocker);
        assert!(fallback.ephemeral && problem.is_some());
    }
}
