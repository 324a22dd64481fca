//! The command line, declared with clap's derive API.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "hearth",
    version,
    about = "A keyboard-driven terminal inbox for community managers",
    after_help = "Run `hearth demo` to try it on bundled demo data."
)]
pub struct Cli {
    /// The cache file (default: hearth.sqlite3 in the data directory).
    #[arg(long, global = true, env = "HEARTH_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The config file (default: config.toml in the config directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the inbox on your cache (the default).
    Open,
    /// Open the inbox on a fresh demo cache that receives new messages live.
    Demo(DemoArgs),
    /// Print the queue: open conversations by tier, then due time.
    Queue(QueueArgs),
    /// Print one conversation with its whole thread.
    Show(ShowArgs),
    /// Triage messages read from stdin (one JSON object per line) and print each
    /// verdict, with what your tier overrides on the cache taught it.
    Triage(TriageArgs),
    /// Work with reply playbooks.
    Playbooks {
        #[command(subcommand)]
        command: PlaybookCommand,
    },
    /// Sync every configured account in the foreground (Ctrl-C stops).
    Sync(SyncArgs),
    /// List configured accounts with their sync state.
    Accounts(AccountsArgs),
    /// Check config, credentials and reachability, and say what to fix.
    Doctor,
    /// Reply to a conversation from the command line (queued in the outbox, then sent).
    Reply(ReplyArgs),
    /// Authorise hearth with a platform and store the token.
    Login(LoginArgs),
    /// Import messages from a JSON Lines file (one message per line).
    Import(ImportArgs),
    /// Hide, unhide or delete the customer's newest comment (a strike against its author).
    Moderate(ModerateArgs),
    /// Authors with moderation strikes, and what each strike led to.
    Strikes(StrikesArgs),
    /// Override a conversation's tier (or clear the override).
    Tier(TierArgs),
    /// Scheduled and failed outbox items; `outbox cancel ID` withdraws a scheduled one.
    Outbox(OutboxArgs),
    /// Show the authors of two conversations as one person (on two platforms).
    Link(LinkArgs),
    /// Say the authors of two conversations are different people (undoes `link`,
    /// and stops suggesting them).
    Unlink(LinkArgs),
    /// Show a lead (fields, suggestions, what is still unknown) or update it.
    Lead(LeadArgs),
    /// Every lead with its stage and age.
    Leads(LeadsArgs),
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// A conversation id.
    pub id: i64,
    /// A conversation by the other identity.
    pub other_id: i64,
}

#[derive(Debug, Args)]
pub struct LeadArgs {
    /// The conversation id.
    pub id: i64,
    /// Make the conversation a lead (tier-1 conversations already are; setting
    /// a field marks one too).
    #[arg(long)]
    pub mark: bool,
    /// What they need.
    #[arg(long)]
    pub need: Option<String>,
    /// When: "next Saturday", "in two weeks", "2027-03-12" (a day is read from it).
    #[arg(long)]
    pub timeline: Option<String>,
    /// Their budget, as they said it.
    #[arg(long)]
    pub budget: Option<String>,
    /// Where, and whether it fits the service area.
    #[arg(long)]
    pub location: Option<String>,
    /// Estimated value: 1200, 1200.50, or an amount with its currency (€1.200).
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub value: Option<String>,
    /// ISO currency of --value, e.g. EUR.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// new, qualifying, qualified, handed-off, won or lost.
    #[arg(long)]
    pub stage: Option<String>,
    /// Apply suggestion N (as `hearth lead ID` numbers them).
    #[arg(long, value_name = "N")]
    pub confirm: Option<usize>,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LeadsArgs {
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// At most this many leads.
    #[arg(long, default_value_t = 200)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ModerateArgs {
    /// The conversation id.
    pub id: i64,
    /// hide, unhide or delete.
    #[arg(value_parser = ["hide", "unhide", "delete"])]
    pub action: String,
    /// Why (required for hide and delete): hate, troll, spam, promo or other.
    #[arg(long)]
    pub reason: Option<String>,
    /// The platform id of the message (default: the customer's newest).
    #[arg(long)]
    pub message: Option<String>,
    /// Go ahead although it looks like a genuine complaint (the override is recorded).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StrikesArgs {
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TierArgs {
    /// The conversation id.
    pub id: i64,
    /// The tier, 1-5.
    #[arg(value_parser = clap::value_parser!(u8).range(1..=5), required_unless_present = "clear")]
    pub tier: Option<u8>,
    /// Clear the override: the automatic tier applies again.
    #[arg(long, conflicts_with = "tier")]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub command: Option<OutboxCommand>,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Withdraw a queued (scheduled) item before it is sent.
    Cancel {
        /// The outbox id.
        id: i64,
    },
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// One round per account (and the outbox), then exit. A rate limit that
    /// resets within 60 s is waited for; a later one exits with status 75
    /// (EX_TEMPFAIL) and prints when to retry. Status 1: an account failed.
    #[arg(long)]
    pub once: bool,
}

#[derive(Debug, Args)]
pub struct AccountsArgs {
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReplyArgs {
    /// The conversation id (as `hearth queue` prints it).
    pub id: i64,
    /// The reply text.
    #[arg(
        long,
        conflicts_with = "playbook",
        required_unless_present = "playbook"
    )]
    pub text: Option<String>,
    /// Render this playbook's first template (or --template NAME) for the conversation.
    #[arg(long)]
    pub playbook: Option<String>,
    /// Which template of the playbook.
    #[arg(long, requires = "playbook")]
    pub template: Option<String>,
    /// A holding reply ("got it, the full answer within the hour"): it meets the
    /// acknowledgment target; the conversation stays in the queue, its response
    /// target still running. Playbooks marked `acknowledgment = true` imply it.
    #[arg(long)]
    pub ack: bool,
    /// Queue only; do not try to send now.
    #[arg(long)]
    pub no_send: bool,
    /// Send even though reply guards warn (each override is recorded).
    #[arg(long)]
    pub force: bool,
    /// Only report what the guards say; queue nothing.
    #[arg(long, conflicts_with_all = ["force", "no_send", "at"])]
    pub check: bool,
    /// Send later: RFC 3339, or HH:MM (business-hours zone, else local), or "opening".
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The platform to log in to (mastodon).
    pub platform: String,
    /// The Mastodon instance, e.g. https://mastodon.social
    #[arg(long)]
    pub instance: Option<String>,
    /// The account name from the config this token is for.
    #[arg(long)]
    pub account: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The JSON Lines file (`-` for standard input).
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed the demo cache, print what it holds and exit.
    #[arg(long)]
    pub seed_only: bool,
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    /// One JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only this tier (1-5).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub tier: Option<u8>,
    /// Only this family: community or reputation.
    #[arg(long)]
    pub family: Option<String>,
    /// Only this platform (mastodon, facebook, instagram, google, ...).
    #[arg(long)]
    pub platform: Option<String>,
    /// Only this brand.
    #[arg(long)]
    pub brand: Option<String>,
    /// Only this location.
    #[arg(long)]
    pub location: Option<String>,
    /// At most this many rows.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The conversation id (as `hearth queue` prints it).
    pub id: i64,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// At most this many of the newest messages.
    #[arg(long, default_value_t = 500)]
    pub limit: usize,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TriageArgs {
    #[command(subcommand)]
    pub command: Option<TriageCommand>,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print every feature's contribution to every tier (and what your tier
    /// corrections add), and which rule or model decided.
    #[arg(long)]
    pub explain: bool,
    /// Forget what triage learned from your tier overrides on this cache (it asks
    /// first); new messages get the shipped model's tiers again.
    #[arg(long, conflicts_with_all = ["json", "explain"])]
    pub reset_learning: bool,
    /// With --reset-learning: do not ask.
    #[arg(long, requires = "reset_learning")]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Re-triage the cache with the current rules and model (read-only): which open
    /// conversations would change tier, and agreement with your tier overrides.
    Backtest(BacktestArgs),
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PlaybookCommand {
    /// Validate playbooks (default: your playbook directory) and report file:line:col problems.
    Check {
        /// The directory to check.
        dir: Option<PathBuf>,
    },
    /// List the playbooks in effect (shipped, then yours).
    List,
}
