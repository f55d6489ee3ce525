//! Settings, resolved once from the command line and the environment. This is the only module
//! that reads environment variables; everything else receives a validated `Config`.

use std::path::PathBuf;

/// Where the knowledge base is when neither `--knowledge` nor `KNOWLEDGE_DIR` says.
pub const DEFAULT_KNOWLEDGE_DIR: &str = "knowledge";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub knowledge_dir: PathBuf,
}

impl Config {
    /// `--knowledge DIR`, else `KNOWLEDGE_DIR`, else `./knowledge`.
    pub fn resolve(knowledge_arg: Option<PathBuf>) -> Config {
        let knowledge_dir = knowledge_arg
            .or_else(|| {
                std::env::var_os("KNOWLEDGE_DIR")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from(DEFAULT_KNOWLEDGE_DIR));
        Config { knowledge_dir }
    }
}
