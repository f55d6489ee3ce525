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
    /// reload the knowledge base (admins only)
    Reload,
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

    /// Whether the group command menu lists `command` (`ask`, the topics, help).
    pub fn for_groups(command: &str) -> bool {
        !matches!(
            command.trim_start_matches('/'),
            "start" | "reload" | "about"
        )
    }
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
