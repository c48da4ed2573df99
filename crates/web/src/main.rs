//! `customer-service [serve|migrate|config|admin ...|integration ...]`: parse the command line
//! (settings come from flags or their environment variables, see `--help`), run.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use customer_core::config::Settings;
use customer_core::telemetry;
use customer_service::cli::{self, PasswordSource};
use customer_service::startup::{Application, prepare_database};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    version,
    about = "Magento 2 compatible customer account and token service"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve HTTP until SIGINT/SIGTERM (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the settings in effect (secrets redacted), one VARIABLE=value a line with where
    /// it came from, and exit.
    Config,
    /// Manage admin users (they sign in at POST /V1/integration/admin/token).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage integrations: long-lived tokens for server-to-server clients.
    #[command(subcommand)]
    Integration(IntegrationCommand),
    /// Time one bcrypt hash and one verify at BCRYPT_COST on this machine (median of runs),
    /// to choose the cost; prints JSON.
    HashTiming {
        #[arg(long, default_value_t = 9)]
        samples: usize,
    },
    /// Import customers and addresses from Magento: its export files (System > Export,
    /// "Customers Main File" and "Customer Addresses") or its database (--from mysql://...).
    Import {
        /// The Customers Main File (CSV).
        #[arg(long, conflicts_with = "from")]
        customers: Option<std::path::PathBuf>,
        /// The Customer Addresses file (CSV), read after the customers.
        #[arg(long, conflicts_with = "from")]
        addresses: Option<std::path::PathBuf>,
        /// A Magento database instead of files: mysql://user:password@host:port/database.
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// Validate and count everything, keep nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where rejected rows are listed (CSV: origin, field, reason).
        #[arg(long, default_value = "import-report.csv")]
        report: std::path::PathBuf,
    },
    /// Export customers and addresses as Magento's CSV pair.
    Export {
        #[arg(long, default_value = "customers.csv")]
        customers: std::path::PathBuf,
        #[arg(long, default_value = "customer_addresses.csv")]
        addresses: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin user (password: at least 7 characters, letters and digits).
    Create {
        #[arg(long)]
        username: String,
        /// The password (visible in shell history: prefer --password-stdin or --password-env).
        #[arg(long, conflicts_with_all = ["password_stdin", "password_env"])]
        password: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, conflicts_with = "password_env")]
        password_stdin: bool,
        /// Read the password from this environment variable.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
    },
    /// List admin users.
    List,
    /// Disable an admin user and revoke its tokens.
    Disable { username: String },
}

#[derive(Subcommand)]
enum IntegrationCommand {
    /// Create an integration and print its token (shown once).
    Create {
        #[arg(long)]
        name: String,
        /// An ACL resource to grant (repeatable); default: all customer resources.
        #[arg(long = "resource", value_name = "RESOURCE")]
        resources: Vec<String>,
    },
    /// List integrations.
    List,
    /// Revoke an integration and its token.
    Revoke { name: String },
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let settings = cli.settings;
    if let Err(e) = telemetry::init_logging(settings.log_format, &settings.log_filter) {
        eprintln!("customer-service: {e}");
        return ExitCode::from(2);
    }
    let command = cli.command.unwrap_or(Command::Serve);
    if !matches!(command, Command::Config | Command::HashTiming { .. })
        && let Some(file) = settings.new_sqlite_file()
    {
        // A relative DATABASE_URL run from another folder would otherwise silently start an
        // empty database next to the one the server uses.
        eprintln!(
            "customer-service: note: creating a new SQLite database at {} (DATABASE_URL is \
             relative to the working directory; give an absolute path to share one)",
            file.display()
        );
    }
    let result = match command {
        Command::Config => {
            for line in Settings::effective(&matches) {
                println!("{}={}\t# {}", line.var, line.value, line.source);
            }
            Ok(())
        }
        Command::Admin(command) => {
            let out = &mut std::io::stdout();
            match command {
                AdminCommand::Create {
                    username,
                    password,
                    password_stdin,
                    password_env,
                } => {
                    let source = match (password, password_stdin, password_env) {
                        (Some(p), _, _) => Some(PasswordSource::Argument(p)),
                        (None, true, _) => Some(PasswordSource::Stdin),
                        (None, false, Some(var)) => Some(PasswordSource::Environment(var)),
                        (None, false, None) => None,
                    };
                    match source {
                        Some(source) => cli::admin_create(&settings, &username, &source, out),
                        None => Err(
                            "give the password with --password, --password-stdin or --password-env"
                                .into(),
                        ),
                    }
                }
                AdminCommand::List => cli::admin_list(&settings, out),
                AdminCommand::Disable { username } => cli::admin_disable(&settings, &username, out),
            }
        }
        Command::Integration(command) => {
            let out = &mut std::io::stdout();
            match command {
                IntegrationCommand::Create { name, resources } => {
                    cli::integration_create(&settings, &name, &resources, out)
                }
                IntegrationCommand::List => cli::integration_list(&settings, out),
                IntegrationCommand::Revoke { name } => {
                    cli::integration_revoke(&settings, &name, out)
                }
            }
        }
        Command::HashTiming { samples } => {
            let (hash_ms, verify_ms) = cli::hash_timing(settings.bcrypt_cost, samples.max(1));
            println!(
                "{{\"cost\":{},\"hash_ms\":{hash_ms:.2},\"verify_ms\":{verify_ms:.2}}}",
                settings.bcrypt_cost
            );
            Ok(())
        }
        Command::Import {
            customers,
            addresses,
            from,
            dry_run,
            report,
        } => {
            let source = match from {
                Some(url) => Some(customer_core::transfer::ImportSource::Mysql(url)),
                None if customers.is_some() || addresses.is_some() => {
                    Some(customer_core::transfer::ImportSource::Csv {
                        customers,
                        addresses,
                    })
                }
                None => None,
            };
            match source {
                Some(source) => {
                    cli::import(&settings, &source, dry_run, &report, &mut std::io::stdout())
                }
                None => Err("give --customers and/or --addresses, or --from mysql://...".into()),
            }
        }
        Command::Export {
            customers,
            addresses,
        } => cli::export(&settings, &customers, &addresses, &mut std::io::stdout()),
        Command::Migrate => prepare_database(&settings)
            .map(|_| tracing::info!("database is up to date"))
            .map_err(|e| e.to_string()),
        Command::Serve => actix_web::rt::System::new().block_on(async move {
            let address = settings.bind_address;
            tracing::info!("starting: {}", settings.summary());
            let app = Application::build(settings)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!("listening on {} (port {})", address, app.port());
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let e = telemetry::one_line(&e);
            tracing::error!("{e}");
            eprintln!("customer-service: {e}");
            ExitCode::FAILURE
        }
    }
}
