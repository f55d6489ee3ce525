//! Settings, resolved once from the command line, the environment and a `.env` file. This is
//! the only module that reads environment variables; everything else receives a validated
//! `Config` or `ServeConfig`.

use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

use url::Url;

/// Where the knowledge base is when neither `--knowledge` nor `KNOWLEDGE_DIR` says.
pub const DEFAULT_KNOWLEDGE_DIR: &str = "knowledge";
/// Where the bot keeps its files when `DATA_DIR` is not set.
pub const DEFAULT_DATA_DIR: &str = "data";
/// Where the webhook listener binds when `WEBHOOK_LISTEN` is not set.
pub const DEFAULT_WEBHOOK_LISTEN: &str = "0.0.0.0:8443";
/// The tracing filter when `RUST_LOG` is not set.
pub const DEFAULT_LOG_FILTER: &str = "info";
/// Days a logged question is kept when `DATA_RETENTION_DAYS` is not set.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// Questions one user may ask a minute, once the burst is spent (`RATE_LIMIT_PER_MINUTE`).
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 20;
/// Questions one user may ask at once after a quiet spell (`RATE_LIMIT_BURST`).
pub const DEFAULT_RATE_LIMIT_BURST: u32 = 10;
/// Updates taken from Telegram and not yet answered, at most (`MAX_UPDATES_IN_FLIGHT`): past
/// this the bot polls no further and the rest wait on Telegram's side. Each update in flight
/// cost about 70 KiB of peak memory in the end-to-end benchmark (its answer and reply being
/// made and sent), while the answering rate was the same from 16 to 1,024 (BENCHMARKS.md); 64
/// keeps two cores busy and still covers Telegram's round trips at the 30 replies a second the
/// throttle allows.
pub const DEFAULT_MAX_UPDATES_IN_FLIGHT: u32 = 64;

/// What `load_dotenv` could not read, kept for `ServeConfig::resolve`.
static DOTENV_PROBLEMS: OnceLock<Vec<String>> = OnceLock::new();

/// Loads `.env` from the working directory or the nearest parent that has one; variables
/// already set win. Returns a line per problem, `.env:N: what is wrong`, for the caller to
/// show: a line that cannot be read is never dropped silently. No value is quoted, since a
/// value may be the token.
pub fn load_dotenv() -> Vec<String> {
    let problems = match find_dotenv() {
        None => Vec::new(),
        Some((path, shown)) => match std::fs::read(&path) {
            Ok(bytes) => read_dotenv(&bytes, &shown, &mut |name, value| {
                if std::env::var_os(&name).is_none() {
                    std::env::set_var(name, value);
                }
            }),
            Err(error) => vec![format!("{shown}: cannot be read: {error}")],
        },
    };
    DOTENV_PROBLEMS.get_or_init(|| problems.clone());
    problems
}

/// The nearest `.env`, and how to name it: `.env` in the working directory, else its path.
fn find_dotenv() -> Option<(PathBuf, String)> {
    let here = std::env::current_dir().ok()?;
    here.ancestors()
        .map(|dir| dir.join(".env"))
        .find_map(|path| {
            let shown = match path.parent() == Some(here.as_path()) {
                true => ".env".to_owned(),
                false => path.display().to_string(),
            };
            path.is_file().then_some((path, shown))
        })
}

/// Reads `.env` text line by line, passing each setting to `set`; returns the problems. Each
/// logical line (a quoted value may span several) is parsed on its own, so a problem has its
/// line number and the lines after it still count.
fn read_dotenv(bytes: &[u8], shown: &str, set: &mut dyn FnMut(String, String)) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines: Vec<Option<&str>> = bytes
        .split(|&b| b == b'\n')
        .map(|line| std::str::from_utf8(line).ok())
        .collect();
    if bytes.ends_with(b"\n") {
        lines.pop();
    }
    let mut problems = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let Some(first) = lines[start] else {
            problems.push(format!("{shown}:{}: not valid UTF-8", start + 1));
            start += 1;
            continue;
        };
        let (end, result) = logical_line(&lines, start);
        match result {
            Ok(pairs) => pairs.into_iter().for_each(|(name, value)| set(name, value)),
            Err(what) => problems.push(format!("{shown}:{}: {}{what}", start + 1, named(first))),
        }
        start = end;
    }
    problems
}

/// The settings on one logical line of `.env`, or what is wrong with it.
type Parsed = Result<Vec<(String, String)>, &'static str>;

/// Parses the logical line starting at `lines[start]`, taking in the following lines while a
/// quote stays open; returns where the next one starts, and its settings or what is wrong.
fn logical_line(lines: &[Option<&str>], start: usize) -> (usize, Parsed) {
    let mut text = String::new();
    for (end, line) in lines.iter().enumerate().skip(start) {
        let Some(line) = line else {
            return (end, Err("a quote opened here is never closed"));
        };
        text.push_str(line);
        text.push('\n');
        let parsed: Result<Vec<_>, _> = dotenvy::from_read_iter(text.as_bytes()).collect();
        match parsed {
            Ok(pairs) => return (end + 1, Ok(pairs)),
            // An error at the very end of the text: a quote (or a backslash) is still open.
            Err(dotenvy::Error::LineParse(content, at)) if at == content.len() => continue,
            Err(_) => {
                return (
                    end + 1,
                    Err("not a NAME=value line; quote a value with spaces, # or $ in it"),
                )
            }
        }
    }
    (lines.len(), Err("a quote opened here is never closed"))
}

/// `"NAME: "` when a line starts with a setting's name and `=`, else nothing: the name helps,
/// the value is never shown.
fn named(line: &str) -> String {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let name: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let rest = line[name.len()..].trim_start();
    match !name.is_empty() && rest.starts_with('=') {
        true => format!("{name}: "),
        false => String::new(),
    }
}

/// The tracing filter (`RUST_LOG`).
pub fn log_filter() -> String {
    std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_LOG_FILTER.to_owned())
}

/// Settings every command needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub knowledge_dir: PathBuf,
    /// Where the bot keeps its files (`DATA_DIR`): `report` reads the question log there.
    pub data_dir: PathBuf,
}

impl Config {
    /// `--knowledge DIR`, else `KNOWLEDGE_DIR`, else `./knowledge`; `DATA_DIR`, else `./data`.
    pub fn resolve(knowledge_arg: Option<PathBuf>) -> Config {
        Config::from_vars(knowledge_arg, &|name| std::env::var(name).ok())
    }

    fn from_vars(knowledge_arg: Option<PathBuf>, var: &dyn Fn(&str) -> Option<String>) -> Config {
        let knowledge_dir = knowledge_arg
            .or_else(|| non_empty(var("KNOWLEDGE_DIR")).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_KNOWLEDGE_DIR));
        let data_dir = non_empty(var("DATA_DIR"))
            .map_or_else(|| PathBuf::from(DEFAULT_DATA_DIR), PathBuf::from);
        Config {
            knowledge_dir,
            data_dir,
        }
    }
}

/// A secret setting: the bot token or the webhook secret. It has no `Display`, and its `Debug`
/// never shows it, so printing a config or an error cannot put it in a log; `expose` is for
/// the one place that hands it to Telegram.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where the webhook listener binds and what it tells Telegram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: Url,
    pub listen: SocketAddr,
    pub secret: Secret,
}

/// How much one user may make the bot do: a bucket of `burst` requests that refills at
/// `per_minute`, so a person asking now and then is never held back and a flood is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// Settings for `kzcn-bot serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeConfig {
    pub token: Secret,
    pub admins: BTreeSet<u64>,
    pub knowledge_dir: PathBuf,
    pub api_url: Option<Url>,
    pub webhook: Option<Webhook>,
    pub data_dir: PathBuf,
    /// `None` when `RATE_LIMIT_PER_MINUTE` is 0: no limit.
    pub rate_limit: Option<RateLimit>,
    /// Days a logged question is kept (`DATA_RETENTION_DAYS`).
    pub retention_days: u32,
    /// Whether replies keep to Telegram's sending limits (`TELEGRAM_THROTTLE`, on unless
    /// `off`): off only against a Bot API server that has no such limits, such as a benchmark's.
    pub throttle: bool,
    /// The most the question log's file may grow to, in MiB (`QUESTION_LOG_MAX_MB`); `None`
    /// when not set: only the disk limits it. At the cap the log stops taking questions, as on
    /// a full disk, until retention frees room.
    pub log_max_mb: Option<u32>,
    /// Updates taken from Telegram and not yet answered, at most (`MAX_UPDATES_IN_FLIGHT`, in
    /// long polling; a webhook's updates are not held back, see the README).
    pub max_in_flight: u32,
}

/// A setting that is missing or malformed, named so the fix is obvious.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "TELOXIDE_TOKEN is not set: put the token from @BotFather in the environment or in .env \
         (to try the bot without Telegram, use `kzcn-bot ask \"…\"` or `kzcn-bot chat`)"
    )]
    MissingToken,
    #[error(
        "TELOXIDE_TOKEN does not look like a bot token (expected digits, a colon, then letters)"
    )]
    MalformedToken,
    #[error("ADMIN_IDS: \"{0}\" is not a Telegram user id (expected numbers separated by commas)")]
    BadAdminId(String),
    #[error("{name}: \"{value}\" is not a valid URL: {reason}")]
    BadUrl {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error("WEBHOOK_LISTEN: \"{0}\" is not an address:port such as 0.0.0.0:8443")]
    BadListen(String),
    #[error(
        "WEBHOOK_SECRET is required with WEBHOOK_URL: 1–256 characters of A–Z, a–z, 0–9, _ and -"
    )]
    MissingSecret,
    #[error("WEBHOOK_SECRET may hold only 1–256 characters of A–Z, a–z, 0–9, _ and -")]
    BadSecret,
    #[error(
        "{0} line(s) of .env cannot be read (listed above): fix them, so that no setting is \
         silently missing"
    )]
    DotEnv(usize),
    #[error("{name}: \"{value}\" is neither on nor off")]
    BadSwitch { name: &'static str, value: String },
    #[error("{name}: \"{value}\" is not a whole number from {min} to 100000")]
    BadNumber {
        name: &'static str,
        value: String,
        min: u32,
    },
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn parse_url(name: &'static str, value: &str) -> Result<Url, ConfigError> {
    let bad = |reason: String| ConfigError::BadUrl {
        name,
        value: value.to_owned(),
        reason,
    };
    let url = Url::parse(value).map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https".to_owned()));
    }
    Ok(url)
}

/// A whole number setting in `min..=100000`, or `default` when unset.
fn parse_number(
    name: &'static str,
    value: Option<String>,
    default: u32,
    min: u32,
) -> Result<u32, ConfigError> {
    let Some(value) = non_empty(value) else {
        return Ok(default);
    };
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=100_000).contains(n))
        .ok_or(ConfigError::BadNumber { name, value, min })
}

/// An on/off setting (case aside), or `default` when unset.
fn parse_switch(
    name: &'static str,
    value: Option<String>,
    default: bool,
) -> Result<bool, ConfigError> {
    let Some(value) = non_empty(value) else {
        return Ok(default);
    };
    match value.to_ascii_lowercase().as_str() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(ConfigError::BadSwitch { name, value }),
    }
}

/// `RATE_LIMIT_PER_MINUTE` (0 turns the limit off) and `RATE_LIMIT_BURST`.
fn rate_limit(var: &dyn Fn(&str) -> Option<String>) -> Result<Option<RateLimit>, ConfigError> {
    let per_minute = parse_number(
        "RATE_LIMIT_PER_MINUTE",
        var("RATE_LIMIT_PER_MINUTE"),
        DEFAULT_RATE_LIMIT_PER_MINUTE,
        0,
    )?;
    let burst = parse_number(
        "RATE_LIMIT_BURST",
        var("RATE_LIMIT_BURST"),
        DEFAULT_RATE_LIMIT_BURST,
        1,
    )?;
    Ok((per_minute > 0).then_some(RateLimit { per_minute, burst }))
}

impl ServeConfig {
    /// Reads and validates every setting of `serve`; the first problem is the error.
    pub fn resolve(knowledge_arg: Option<PathBuf>) -> Result<ServeConfig, ConfigError> {
        let unread = DOTENV_PROBLEMS.get().map_or(0, Vec::len);
        if unread > 0 {
            return Err(ConfigError::DotEnv(unread));
        }
        ServeConfig::from_vars(knowledge_arg, &|name| std::env::var(name).ok())
    }

    pub fn from_vars(
        knowledge_arg: Option<PathBuf>,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ServeConfig, ConfigError> {
        let token = non_empty(var("TELOXIDE_TOKEN")).ok_or(ConfigError::MissingToken)?;
        let well_formed = token.split_once(':').is_some_and(|(id, secret)| {
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !secret.is_empty()
        });
        if !well_formed || token.chars().any(char::is_whitespace) {
            return Err(ConfigError::MalformedToken);
        }
        let mut admins = BTreeSet::new();
        for item in non_empty(var("ADMIN_IDS")).unwrap_or_default().split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            admins.insert(
                item.parse::<u64>()
                    .map_err(|_| ConfigError::BadAdminId(item.to_owned()))?,
            );
        }
        let api_url = non_empty(var("TELOXIDE_API_URL"))
            .map(|v| parse_url("TELOXIDE_API_URL", &v))
            .transpose()?;
        let webhook = match non_empty(var("WEBHOOK_URL")) {
            None => None,
            Some(value) => {
                let url = parse_url("WEBHOOK_URL", &value)?;
                let listen_text = non_empty(var("WEBHOOK_LISTEN"))
                    .unwrap_or_else(|| DEFAULT_WEBHOOK_LISTEN.to_owned());
                let listen = listen_text
                    .parse()
                    .map_err(|_| ConfigError::BadListen(listen_text.clone()))?;
                let secret = non_empty(var("WEBHOOK_SECRET")).ok_or(ConfigError::MissingSecret)?;
                let valid = secret.len() <= 256
                    && secret
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if !valid {
                    return Err(ConfigError::BadSecret);
                }
                Some(Webhook {
                    url,
                    listen,
                    secret: Secret(secret),
                })
            }
        };
        let Config {
            knowledge_dir,
            data_dir,
        } = Config::from_vars(knowledge_arg, var);
        Ok(ServeConfig {
            token: Secret(token),
            admins,
            knowledge_dir,
            api_url,
            webhook,
            data_dir,
            rate_limit: rate_limit(var)?,
            retention_days: parse_number(
                "DATA_RETENTION_DAYS",
                var("DATA_RETENTION_DAYS"),
                DEFAULT_RETENTION_DAYS,
                1,
            )?,
            throttle: parse_switch("TELEGRAM_THROTTLE", var("TELEGRAM_THROTTLE"), true)?,
            log_max_mb: non_empty(var("QUESTION_LOG_MAX_MB"))
                .map(|value| parse_number("QUESTION_LOG_MAX_MB", Some(value), 0, 1))
                .transpose()?,
            max_in_flight: parse_number(
                "MAX_UPDATES_IN_FLIGHT",
                var("MAX_UPDATES_IN_FLIGHT"),
                DEFAULT_MAX_UPDATES_IN_FLIGHT,
                1,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const TOKEN: (&str, &str) = ("TELOXIDE_TOKEN", "123456:ABC-def_ghi");

    #[test]
    fn reads_a_full_configuration() {
        let config = ServeConfig::from_vars(
            None,
            &vars(&[
                TOKEN,
                ("ADMIN_IDS", " 42, 7 ,"),
                ("KNOWLEDGE_DIR", "/srv/knowledge"),
                ("TELOXIDE_API_URL", "http://127.0.0.1:8081/"),
                ("WEBHOOK_URL", "https://bot.example.org/hook"),
                ("WEBHOOK_LISTEN", "127.0.0.1:9000"),
                ("WEBHOOK_SECRET", "s3cret_-X"),
                ("DATA_DIR", "/var/lib/kzcn"),
                ("RATE_LIMIT_PER_MINUTE", "6"),
                ("RATE_LIMIT_BURST", "2"),
                ("DATA_RETENTION_DAYS", "30"),
                ("TELEGRAM_THROTTLE", "Off"),
                ("QUESTION_LOG_MAX_MB", "512"),
                ("MAX_UPDATES_IN_FLIGHT", "32"),
            ]),
        )
        .expect("valid");
        assert_eq!(config.retention_days, 30);
        assert_eq!(config.max_in_flight, 32);
        assert!(!config.throttle);
        assert_eq!(config.log_max_mb, Some(512));
        assert_eq!(
            config.rate_limit,
            Some(RateLimit {
                per_minute: 6,
                burst: 2
            })
        );
        assert_eq!(config.admins, BTreeSet::from([7, 42]));
        assert_eq!(config.knowledge_dir, PathBuf::from("/srv/knowledge"));
        assert_eq!(config.api_url.unwrap().as_str(), "http://127.0.0.1:8081/");
        let webhook = config.webhook.expect("webhook");
        assert_eq!(
            webhook.listen,
            "127.0.0.1:9000".parse::<std::net::SocketAddr>().unwrap()
        );
        assert_eq!(webhook.secret.expose(), "s3cret_-X");
        assert_eq!(config.data_dir, PathBuf::from("/var/lib/kzcn"));
    }

    #[test]
    fn debug_output_never_shows_the_token_or_the_webhook_secret() {
        let config = ServeConfig::from_vars(
            None,
            &vars(&[
                TOKEN,
                ("WEBHOOK_URL", "https://bot.example.org/hook"),
                ("WEBHOOK_SECRET", "s3cret_-X"),
            ]),
        )
        .expect("valid");
        let printed = format!("{config:?} {config:#?}");
        for secret in ["ABC-def_ghi", "s3cret_-X"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("<redacted>"), "{printed}");
    }

    #[test]
    fn defaults_apply_when_optional_settings_are_missing() {
        let config =
            ServeConfig::from_vars(Some(PathBuf::from("kb")), &vars(&[TOKEN])).expect("valid");
        assert!(config.admins.is_empty() && config.webhook.is_none() && config.api_url.is_none());
        assert_eq!(config.knowledge_dir, PathBuf::from("kb"));
        assert_eq!(config.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(config.retention_days, DEFAULT_RETENTION_DAYS);
        assert!(
            config.throttle,
            "Telegram's limits are kept unless switched off"
        );
        assert_eq!(config.log_max_mb, None, "no cap but the disk");
        assert_eq!(config.max_in_flight, DEFAULT_MAX_UPDATES_IN_FLIGHT);
        assert_eq!(
            config.rate_limit,
            Some(RateLimit {
                per_minute: DEFAULT_RATE_LIMIT_PER_MINUTE,
                burst: DEFAULT_RATE_LIMIT_BURST
            })
        );
        let unlimited =
            ServeConfig::from_vars(None, &vars(&[TOKEN, ("RATE_LIMIT_PER_MINUTE", "0")]))
                .expect("valid");
        assert_eq!(unlimited.rate_limit, None, "0 turns the limit off");
    }

    #[test]
    fn each_unreadable_env_line_is_named_by_its_number_and_the_rest_still_count() {
        let text = "# settings\n\
                    TELOXIDE_TOKEN 123456:ABC-def_ghi\n\
                    ADMIN_IDS=42\n\
                    KNOWLEDGE_DIR=my knowledge\n\
                    WEBHOOK_SECRET=\"two\n\
                    lines\"\n\
                    \n\
                    export DATA_DIR='/srv/data' # a comment\n\
                    RUST_LOG=\"debug\n\
                    DATA_DIR=never read\n";
        let mut set = Vec::new();
        let problems = read_dotenv(text.as_bytes(), ".env", &mut |k, v| set.push((k, v)));
        assert_eq!(
            problems,
            [
                ".env:2: not a NAME=value line; quote a value with spaces, # or $ in it",
                ".env:4: KNOWLEDGE_DIR: not a NAME=value line; quote a value with spaces, # or \
                 $ in it",
                ".env:9: RUST_LOG: a quote opened here is never closed",
            ]
        );
        let set: Vec<(&str, &str)> = set.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            set,
            [
                ("ADMIN_IDS", "42"),
                ("WEBHOOK_SECRET", "two\nlines"),
                ("DATA_DIR", "/srv/data")
            ]
        );
        assert!(
            problems.iter().all(|p| !p.contains("ABC")),
            "no value is shown"
        );
        let latin1 = read_dotenv(b"A=1\nB=caf\xe9\nC=3", ".env", &mut |_, _| {});
        assert_eq!(latin1, [".env:2: not valid UTF-8"]);
    }

    #[test]
    fn rejects_bad_settings_with_a_clear_error() {
        let cases: [(&[(&str, &str)], ConfigError); 13] = [
            (
                &[TOKEN, ("TELEGRAM_THROTTLE", "false")],
                ConfigError::BadSwitch {
                    name: "TELEGRAM_THROTTLE",
                    value: "false".into(),
                },
            ),
            (
                &[TOKEN, ("DATA_RETENTION_DAYS", "0")],
                ConfigError::BadNumber {
                    name: "DATA_RETENTION_DAYS",
                    value: "0".into(),
                    min: 1,
                },
            ),
            (
                &[TOKEN, ("MAX_UPDATES_IN_FLIGHT", "0")],
                ConfigError::BadNumber {
                    name: "MAX_UPDATES_IN_FLIGHT",
                    value: "0".into(),
                    min: 1,
                },
            ),
            (
                &[TOKEN, ("QUESTION_LOG_MAX_MB", "0")],
                ConfigError::BadNumber {
                    name: "QUESTION_LOG_MAX_MB",
                    value: "0".into(),
                    min: 1,
                },
            ),
            (
                &[TOKEN, ("RATE_LIMIT_PER_MINUTE", "lots")],
                ConfigError::BadNumber {
                    name: "RATE_LIMIT_PER_MINUTE",
                    value: "lots".into(),
                    min: 0,
                },
            ),
            (
                &[TOKEN, ("RATE_LIMIT_BURST", "0")],
                ConfigError::BadNumber {
                    name: "RATE_LIMIT_BURST",
                    value: "0".into(),
                    min: 1,
                },
            ),
            (&[], ConfigError::MissingToken),
            (
                &[("TELOXIDE_TOKEN", "not a token")],
                ConfigError::MalformedToken,
            ),
            (
                &[TOKEN, ("ADMIN_IDS", "42,bob")],
                ConfigError::BadAdminId("bob".into()),
            ),
            (
                &[TOKEN, ("TELOXIDE_API_URL", "ftp://x")],
                ConfigError::BadUrl {
                    name: "TELOXIDE_API_URL",
                    value: "ftp://x".into(),
                    reason: "the scheme must be http or https".into(),
                },
            ),
            (
                &[TOKEN, ("WEBHOOK_URL", "https://a.example/h")],
                ConfigError::MissingSecret,
            ),
            (
                &[
                    TOKEN,
                    ("WEBHOOK_URL", "https://a.example/h"),
                    ("WEBHOOK_SECRET", "no spaces"),
                ],
                ConfigError::BadSecret,
            ),
            (
                &[
                    TOKEN,
                    ("WEBHOOK_URL", "https://a.example/h"),
                    ("WEBHOOK_SECRET", "ok"),
                    ("WEBHOOK_LISTEN", "nowhere"),
                ],
                ConfigError::BadListen("nowhere".into()),
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                ServeConfig::from_vars(None, &vars(pairs)),
                Err(expected),
                "{pairs:?}"
            );
        }
        assert!(ConfigError::MissingToken
            .to_string()
            .contains("kzcn-bot ask"));
    }
}
