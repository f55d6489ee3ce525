//! The bot's commands. The `///` lines are what `/help` and the command menu show, so the help
//! text cannot drift from the commands.

use teloxide::utils::command::BotCommands;

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
    /// the visa-free regime
    Visa,
    /// trade figures
    Trade,
    /// the Year of Kazakhstan Tourism in China
    Tourism,
    /// border crossings and transit
    Border,
    /// energy and joint projects
    Energy,
    /// leaders' meetings and summits
    Leaders,
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
    /// The topic a topic command answers, by topic id in the fact base.
    pub fn topic(&self) -> Option<&'static str> {
        match self {
            Command::Visa => Some("visa"),
            Command::Trade => Some("trade"),
            Command::Tourism => Some("tourism"),
            Command::Border => Some("transport"),
            Command::Energy => Some("energy"),
            Command::Leaders => Some("diplomacy"),
            _ => None,
        }
    }

    /// Whether `command` is for admins, and so in no menu.
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

    /// Every command name with the id of the message that describes it, in menu order.
    pub const MENU: [(&'static str, &'static str); 16] = [
        ("start", "cmd_start"),
        ("help", "cmd_help"),
        ("ask", "cmd_ask"),
        ("visa", "cmd_visa"),
        ("trade", "cmd_trade"),
        ("tourism", "cmd_tourism"),
        ("border", "cmd_border"),
        ("energy", "cmd_energy"),
        ("leaders", "cmd_leaders"),
        ("topics", "cmd_topics"),
        ("sources", "cmd_sources"),
        ("about", "cmd_about"),
        ("lang", "cmd_lang"),
        ("reload", "cmd_reload"),
        ("stats", "cmd_stats"),
        ("unanswered", "cmd_unanswered"),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_addressed_to_this_bot_only() {
        let cases: [(&str, Option<Command>); 7] = [
            (
                "/ask when did visas end",
                Some(Command::Ask("when did visas end".into())),
            ),
            (
                "/ask@kzcn_bot trade 2022",
                Some(Command::Ask("trade 2022".into())),
            ),
            ("/ask@other_bot trade 2022", None),
            ("/visa", Some(Command::Visa)),
            ("/visa@kzcn_bot", Some(Command::Visa)),
            ("/start visa", Some(Command::Start("visa".into()))),
            ("/nonsense", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Command::parse(text, "kzcn_bot").ok(), expected, "{text}");
        }
    }

    #[test]
    fn the_localised_menu_lists_every_command() {
        let names: Vec<String> = Command::bot_commands()
            .into_iter()
            .map(|c| c.command.trim_start_matches('/').to_owned())
            .collect();
        let menu: Vec<&str> = Command::MENU.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, menu);
    }

    #[test]
    fn help_lists_every_command() {
        let help = Command::descriptions().to_string();
        for command in [
            "/ask", "/visa", "/trade", "/tourism", "/topics", "/sources", "/about", "/reload",
        ] {
            assert!(
                help.contains(command),
                "{command} missing from /help:\n{help}"
            );
        }
    }
}
