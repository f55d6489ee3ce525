//! The bot's commands: its own, a fixed enum whose `///` lines are the `/help` text, and the
//! topics' commands, which come from the fact base (`topics.toml`) and change on `/reload`.
//! The menus Telegram shows and `/help` list both, from `menu`.

use teloxide::utils::command::BotCommands;

use crate::knowledge::{Knowledge, Lang, Topic};

#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(
    rename_rule = "lowercase",
    description = "Ask me about Kazakhstan–China relations. Commands:"
)]
pub enum Command {
    /// welcome and topics
    Start(String),
    /// how to use the bot
    Help,
    /// ask a question, e.g. /ask When did the visa-free regime start?
    Ask(String),
    /// every topic I know
    Topics,
    /// the articles my answers come from
    Sources,
    /// what this bot is
    About,
    /// answer language: en, ru, kk or zh
    Lang(String),
    /// reload the knowledge base (admins only)
    Reload,
    /// what people asked lately (admins only)
    Stats,
    /// the questions I could not answer (admins only)
    Unanswered,
}

impl Command {
    /// Whether `command` is for admins, and so in no menu (`/help` lists it).
    pub fn for_admins(command: &str) -> bool {
        matches!(
            command.trim_start_matches('/'),
            "reload" | "stats" | "unanswered"
        )
    }

    /// Whether the group command menu lists `command` (`ask`, the topics, help).
    pub fn for_groups(command: &str) -> bool {
        !matches!(command.trim_start_matches('/'), "start" | "about")
            && !Command::for_admins(command)
    }

    /// The bot's own commands that come before the topics in the menu, with the id of the
    /// message that describes each.
    const BEFORE_TOPICS: [(&'static str, &'static str); 3] = [
        ("start", "cmd_start"),
        ("help", "cmd_help"),
        ("ask", "cmd_ask"),
    ];

    /// The bot's own commands that come after the topics.
    const AFTER_TOPICS: [(&'static str, &'static str); 7] = [
        ("topics", "cmd_topics"),
        ("sources", "cmd_sources"),
        ("about", "cmd_about"),
        ("lang", "cmd_lang"),
        ("reload", "cmd_reload"),
        ("stats", "cmd_stats"),
        ("unanswered", "cmd_unanswered"),
    ];
}

/// Every command with its description in `lang`, in menu order: start, help and ask, then each
/// topic's command in the order of `topics.toml` (described by its title), then the rest.
pub(crate) fn menu(knowledge: &Knowledge, lang: Lang) -> Vec<(String, String)> {
    let own = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(name, message)| {
                (
                    (*name).to_owned(),
                    knowledge.message(message, lang).to_owned(),
                )
            })
            .collect()
    };
    let topics = knowledge
        .topics
        .iter()
        .map(|topic| (topic.command.clone(), topic.title.text(lang).to_owned()));
    let mut menu = own(&Command::BEFORE_TOPICS);
    menu.extend(topics);
    menu.extend(own(&Command::AFTER_TOPICS));
    menu
}

/// The topic a message's command asks for: `/visa`, or `/visa@this_bot` (the name matched
/// without regard to ASCII case, as Telegram does); words after the command are ignored. A
/// command for another bot (`/visa@other_bot`) is not this bot's.
pub(crate) fn topic_command<'k>(
    text: &str,
    bot_name: &str,
    knowledge: &'k Knowledge,
) -> Option<&'k Topic> {
    let word = text.strip_prefix('/')?.split_whitespace().next()?;
    let name = match word.split_once('@') {
        Some((name, to)) if to.eq_ignore_ascii_case(bot_name) => name,
        Some(_) => return None,
        None => word,
    };
    knowledge.topics.iter().find(|topic| topic.command == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{PerLang, BOT_COMMANDS};

    #[test]
    fn parses_commands_addressed_to_this_bot_only() {
        let cases: [(&str, Option<Command>); 6] = [
            (
                "/ask when did visas end",
                Some(Command::Ask("when did visas end".into())),
            ),
            (
                "/ask@kzcn_bot trade 2022",
                Some(Command::Ask("trade 2022".into())),
            ),
            ("/ask@other_bot trade 2022", None),
            ("/topics@kzcn_bot", Some(Command::Topics)),
            ("/start visa", Some(Command::Start("visa".into()))),
            ("/nonsense", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Command::parse(text, "kzcn_bot").ok(), expected, "{text}");
        }
    }

    fn knowledge_with_topics(commands: &[&str]) -> Knowledge {
        let topics = commands
            .iter()
            .map(|command| Topic {
                id: format!("topic-{command}"),
                command: (*command).to_owned(),
                title: PerLang {
                    en: Some(format!("About {command}")),
                    ..PerLang::default()
                },
                intent: 0,
            })
            .collect();
        Knowledge {
            topics,
            ..Knowledge::default()
        }
    }

    #[test]
    fn finds_the_topic_of_a_command_addressed_to_this_bot_only() {
        let knowledge = knowledge_with_topics(&["visa", "silk_road"]);
        let cases: [(&str, Option<&str>); 10] = [
            ("/visa", Some("topic-visa")),
            ("/visa@kzcn_bot", Some("topic-visa")),
            ("/visa@KZCN_Bot", Some("topic-visa")),
            ("/silk_road please", Some("topic-silk_road")),
            ("/visa@other_bot", None),
            ("/visas", None),
            ("/Visa", None),
            ("visa", None),
            ("/", None),
            ("/@kzcn_bot", None),
        ];
        for (text, expected) in cases {
            let found = topic_command(text, "kzcn_bot", &knowledge).map(|t| t.id.as_str());
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn the_menu_puts_the_topics_between_the_bots_own_commands() {
        let knowledge = knowledge_with_topics(&["visa", "silk_road"]);
        let names: Vec<String> = menu(&knowledge, Lang::En)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(
            names,
            [
                "start",
                "help",
                "ask",
                "visa",
                "silk_road",
                "topics",
                "sources",
                "about",
                "lang",
                "reload",
                "stats",
                "unanswered"
            ]
        );
    }

    /// The loader refuses a topic command that takes one of the bot's own names: its list
    /// must be the enum's.
    #[test]
    fn the_loaders_list_of_own_commands_is_the_enums() {
        let names: Vec<String> = Command::bot_commands()
            .into_iter()
            .map(|c| c.command.trim_start_matches('/').to_owned())
            .collect();
        assert_eq!(names, BOT_COMMANDS);
        let own: Vec<&str> = Command::BEFORE_TOPICS
            .iter()
            .chain(&Command::AFTER_TOPICS)
            .map(|(name, _)| *name)
            .collect();
        let mut sorted_own = own.clone();
        sorted_own.sort();
        let mut sorted_names: Vec<&str> = names.iter().map(String::as_str).collect();
        sorted_names.sort();
        assert_eq!(sorted_own, sorted_names, "the menu lists every own command");
    }
}
