//! Chinese scripts: a question in traditional characters is read in simplified ones (the fact
//! base's), and its answer is written back in traditional ones. OpenCC's phrase dictionaries
//! do the conversion; they are built into the binary and parsed once.

use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

fn converter(cell: &'static OnceLock<OpenCC>, config: BuiltinConfig) -> &'static OpenCC {
    cell.get_or_init(|| OpenCC::from_config(config).expect("OpenCC's built-in configuration loads"))
}

fn simplifier() -> &'static OpenCC {
    static CELL: OnceLock<OpenCC> = OnceLock::new();
    converter(&CELL, BuiltinConfig::T2s)
}

fn traditionalizer() -> &'static OpenCC {
    static CELL: OnceLock<OpenCC> = OnceLock::new();
    converter(&CELL, BuiltinConfig::S2t)
}

/// Loads both dictionaries now, so the first question in traditional characters does not pay.
pub fn warm_up() {
    simplifier();
    traditionalizer();
}

/// `text` in simplified characters.
pub fn to_simplified(text: &str) -> String {
    simplifier().convert(text)
}

/// `text` in traditional characters.
pub fn to_traditional(text: &str) -> String {
    traditionalizer().convert(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_between_scripts() {
        assert_eq!(to_simplified("簽證 旅遊 貿易"), "签证 旅游 贸易");
        assert_eq!(to_traditional("签证和旅游"), "簽證和旅遊");
        assert_eq!(to_simplified("免签"), "免签");
    }
}
