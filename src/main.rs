//! `customer-service [serve|migrate]`: parse the command line, load settings, run.

use clap::{Parser, Subcommand};
use customer_service::config::Settings;
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
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve HTTP until SIGINT/SIGTERM (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("customer-service: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => prepare_database(&settings)
            .map(|_| log::info!("database is up to date"))
            .map_err(|e| e.to_string()),
        Command::Serve => actix_web::rt::System::new().block_on(async move {
            let address = settings.bind_address;
            let app = Application::build(settings)
                .await
                .map_err(|e| e.to_string())?;
            log::info!("listening on {} (port {})", address, app.port());
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::error!("{e}");
            eprintln!("customer-service: {e}");
            ExitCode::FAILURE
        }
    }
}
