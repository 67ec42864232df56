//! `atlassian-odbc`: registers the driver and DSNs with the driver managers, tests a connection,
//! runs a query, and signs in once for the OAuth desktop flow.

mod client;
mod ini_file;
mod odbc_config;
mod output;
mod registration;
mod sync;
#[cfg(windows)]
mod windows_registry;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use odbc_config::{Managers, Scope};

#[derive(Parser)]
#[command(name = "atlassian-odbc", version, about = "Set up and use the Atlassian Confluence and Jira ODBC driver")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Copy)]
struct ScopeArgs {
    /// The current user's configuration (the default): ~/.odbcinst.ini, and ODBCINI or ~/.odbc.ini
    #[arg(long, conflicts_with = "system")]
    user: bool,
    /// The machine's configuration (unixODBC: ODBCSYSINI or /etc; iODBC: SYSODBCINSTINI and
    /// SYSODBCINI, or /etc): needs the right to write there
    #[arg(long)]
    system: bool,
    /// Whose files to edit: unixODBC's, iODBC's, or both's (the default when iODBC is installed,
    /// else unixodbc; by default iODBC's /etc files are left alone when ODBCSYSINI moves
    /// unixODBC's elsewhere); a file both read is edited once. Not used on Windows
    #[arg(long, value_enum, value_name = "MANAGER")]
    driver_manager: Option<Managers>,
}

impl ScopeArgs {
    fn scope(self) -> Scope {
        if self.system {
            Scope::System
        } else {
            Scope::User
        }
    }
}

#[derive(Args)]
struct TargetArgs {
    /// A DSN's name, or a whole connection string ("Driver={Atlassian ODBC};Url=...;...")
    target: String,
    /// A connection property added for this run only, e.g. --set APIToken=... (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = registration::parse_pair)]
    set: Vec<(String, String)>,
}

impl TargetArgs {
    fn target(&self) -> client::Target {
        client::Target { text: self.target.clone(), extra: self.set.clone() }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Register the driver with the driver managers (idempotent)
    Install {
        #[command(flatten)]
        scope: ScopeArgs,
        /// The driver library (default: libatlassian_odbc.so beside this program)
        #[arg(long, value_name = "PATH")]
        driver: Option<PathBuf>,
    },
    /// Remove what `install` registered
    Uninstall {
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// Manage data source names
    Dsn {
        #[command(subcommand)]
        command: DsnCommand,
    },
    /// Connect through the driver manager and report who you are, the tables, and the timing
    Test(TargetArgs),
    /// Run one SQL statement through the driver manager and print its result
    Query {
        #[command(flatten)]
        target: TargetArgs,
        /// The statement
        sql: String,
        /// How to print the rows
        #[arg(long, value_enum, default_value = "table")]
        format: output::Format,
    },
    /// Sign in with OAuth once (opens the browser) and save the tokens for later connections
    Login(TargetArgs),
    /// Bring the connection's local replica (CacheLocation) up to date, incrementally where
    /// Atlassian tells what changed; a progress bar on a terminal, then a summary
    Sync {
        #[command(flatten)]
        target: TargetArgs,
        /// The tables, Schema.Table, comma separated (default: the connection's CacheTables, all by default)
        #[arg(long, value_name = "TABLES")]
        tables: Option<String>,
        /// Read every table whole, even those synced incrementally
        #[arg(long)]
        full: bool,
    },
}

#[derive(Subcommand)]
enum DsnCommand {
    /// Add a DSN, or change the given properties of one (KEY= removes a property)
    Add {
        name: String,
        /// Connection properties, e.g. Url=https://yoursite.atlassian.net User=you@example.com
        #[arg(value_name = "KEY=VALUE", value_parser = registration::parse_pair)]
        properties: Vec<(String, String)>,
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// Remove a DSN
    Remove {
        name: String,
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// List the DSNs of both scopes
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Install { scope, driver } => registration::install(scope.scope(), scope.driver_manager, driver.as_deref()),
        Command::Uninstall { scope } => registration::uninstall(scope.scope(), scope.driver_manager),
        Command::Dsn { command: DsnCommand::Add { name, properties, scope } } => registration::dsn_add(scope.scope(), scope.driver_manager, name, properties),
        Command::Dsn { command: DsnCommand::Remove { name, scope } } => registration::dsn_remove(scope.scope(), scope.driver_manager, name),
        Command::Dsn { command: DsnCommand::List } => registration::dsn_list(),
        Command::Test(t) => client::test(&t.target()),
        Command::Query { target, sql, format } => client::query(&target.target(), sql, *format),
        Command::Login(t) => client::login(&t.target()),
        Command::Sync { target, tables, full } => sync::sync(&target.target(), tables.as_deref(), *full),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("atlassian-odbc: {e:#}");
            ExitCode::FAILURE
        }
    }
}
