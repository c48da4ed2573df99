//! Back-office commands: admin users and integrations. They run on the calling thread (a CLI
//! has no async workers to protect) against the configured database, migrating it first.

use crate::startup::prepare_database;
use customer_core::auth::{acl, password, token};
use customer_core::config::Settings;
use customer_core::db::{self, back_office, tokens};
use customer_core::transfer;
use std::io::Write;

/// How long an integration token lives: it is for servers and is revoked explicitly.
const INTEGRATION_TOKEN_YEARS: i64 = 100;

/// Where an admin password comes from; `--password` is the least private (shell history).
#[derive(Debug, Clone)]
pub enum PasswordSource {
    Argument(String),
    Stdin,
    Environment(String),
}

impl PasswordSource {
    fn read(&self) -> Result<String, String> {
        match self {
            Self::Argument(p) => Ok(p.clone()),
            Self::Environment(var) => {
                std::env::var(var).map_err(|_| format!("the environment variable {var} is not set"))
            }
            Self::Stdin => {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
                Ok(line.trim_end_matches(['\r', '\n']).to_owned())
            }
        }
    }
}

/// Magento's admin password rule: at least 7 characters, letters and digits.
pub fn check_admin_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 7 {
        return Err("Your password must be at least 7 characters.".into());
    }
    if !(password.chars().any(char::is_alphabetic) && password.chars().any(|c| c.is_ascii_digit()))
    {
        return Err("Your password must include both numeric and alphabetic characters.".into());
    }
    Ok(())
}

fn check_username(username: &str) -> Result<(), String> {
    if username.trim().is_empty() || username.trim() != username || username.chars().count() > 40 {
        return Err("The user name must be 1 to 40 characters without surrounding spaces.".into());
    }
    Ok(())
}

fn connect(settings: &Settings) -> Result<db::Db, String> {
    prepare_database(settings)
        .map(|(db, _)| db)
        .map_err(|e| e.to_string())
}

fn with_conn<T>(
    db: &db::Db,
    f: impl FnOnce(&mut db::DbConnection) -> Result<T, String>,
) -> Result<T, String> {
    let mut conn = db.pool().get().map_err(|e| e.to_string())?;
    f(&mut conn)
}

pub fn admin_create(
    settings: &Settings,
    username: &str,
    source: &PasswordSource,
    out: &mut impl Write,
) -> Result<(), String> {
    check_username(username)?;
    let password = source.read()?;
    check_admin_password(&password)?;
    let hash =
        password::hash_blocking(&password, settings.bcrypt_cost).map_err(|e| e.to_string())?;
    let db = connect(settings)?;
    with_conn(&db, |conn| {
        back_office::create_admin(conn, username, &hash, db::now_seconds()).map_err(|e| match e {
            back_office::CreateError::Taken => {
                format!("an admin user named {username} exists already")
            }
            back_office::CreateError::Database(e) => e.to_string(),
        })
    })?;
    writeln!(out, "Admin user {username} created.").map_err(|e| e.to_string())
}

pub fn admin_list(settings: &Settings, out: &mut impl Write) -> Result<(), String> {
    let db = connect(settings)?;
    let admins = with_conn(&db, |conn| {
        back_office::list_admins(conn).map_err(|e| e.to_string())
    })?;
    let mut text = String::from("username\tactive\tcreated_at\n");
    for a in admins {
        text.push_str(&format!(
            "{}\t{}\t{}\n",
            a.username,
            if a.is_active { "yes" } else { "no" },
            a.created_at.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

pub fn admin_disable(
    settings: &Settings,
    username: &str,
    out: &mut impl Write,
) -> Result<(), String> {
    let db = connect(settings)?;
    let found = with_conn(&db, |conn| {
        back_office::disable_admin(conn, username, db::now()).map_err(|e| e.to_string())
    })?;
    if !found {
        return Err(format!("no admin user named {username}"));
    }
    writeln!(
        out,
        "Admin user {username} disabled; its tokens are revoked."
    )
    .map_err(|e| e.to_string())
}

pub fn integration_create(
    settings: &Settings,
    name: &str,
    resources: &[String],
    out: &mut impl Write,
) -> Result<(), String> {
    check_username(name).map_err(|_| {
        "The integration name must be 1 to 40 characters without surrounding spaces.".to_string()
    })?;
    let resources: Vec<String> = if resources.is_empty() {
        acl::DEFAULT_INTEGRATION_RESOURCES
            .iter()
            .map(|r| r.to_string())
            .collect()
    } else {
        resources.to_vec()
    };
    if let Some(unknown) = resources
        .iter()
        .find(|r| !acl::KNOWN_RESOURCES.contains(&r.as_str()))
    {
        return Err(format!(
            "unknown resource {unknown}; known: {}",
            acl::KNOWN_RESOURCES.join(", ")
        ));
    }
    let db = connect(settings)?;
    let issued = token::issue();
    with_conn(&db, |conn| {
        conn_transaction(conn, |conn| {
            let now = db::now();
            let id =
                back_office::create_integration(conn, name, &resources, now).map_err(
                    |e| match e {
                        back_office::CreateError::Taken => {
                            format!("an integration named {name} exists already")
                        }
                        back_office::CreateError::Database(e) => e.to_string(),
                    },
                )?;
            let expires = now + chrono::TimeDelta::days(365 * INTEGRATION_TOKEN_YEARS);
            tokens::insert_back_office_token(
                conn,
                &issued.hash,
                tokens::BackOfficeOwner::Integration(id),
                now,
                expires,
            )
            .map_err(|e| e.to_string())
        })
    })?;
    // The token is shown once; only its hash is stored.
    writeln!(out, "{}", issued.plain).map_err(|e| e.to_string())
}

fn conn_transaction<T>(
    conn: &mut db::DbConnection,
    f: impl FnOnce(&mut db::DbConnection) -> Result<T, String>,
) -> Result<T, String> {
    #[derive(Debug)]
    struct Failed(String);
    impl From<db::DbError> for Failed {
        fn from(e: db::DbError) -> Self {
            Self(e.to_string())
        }
    }
    db::write_transaction(conn, |conn| f(conn).map_err(Failed)).map_err(|Failed(e)| e)
}

pub fn integration_list(settings: &Settings, out: &mut impl Write) -> Result<(), String> {
    let db = connect(settings)?;
    let list = with_conn(&db, |conn| {
        back_office::list_integrations(conn).map_err(|e| e.to_string())
    })?;
    let mut text = String::from("name\tstatus\tresources\tcreated_at\n");
    for i in list {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            i.name,
            if i.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            },
            i.resources,
            i.created_at.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

pub fn integration_revoke(
    settings: &Settings,
    name: &str,
    out: &mut impl Write,
) -> Result<(), String> {
    let db = connect(settings)?;
    let found = with_conn(&db, |conn| {
        back_office::revoke_integration(conn, name, db::now()).map_err(|e| e.to_string())
    })?;
    if !found {
        return Err(format!("no active integration named {name}"));
    }
    writeln!(out, "Integration {name} revoked.").map_err(|e| e.to_string())
}

/// `customer-service import`: Magento's customers into the configured database. Rejected rows
/// are listed in `report` (CSV: origin, field, reason); the summary goes to `out`.
pub fn import(
    settings: &Settings,
    source: &transfer::ImportSource,
    dry_run: bool,
    report: &std::path::Path,
    out: &mut impl Write,
) -> Result<(), String> {
    let db = connect(settings)?;
    let report_file = std::fs::File::create(report)
        .map_err(|e| format!("cannot write the report {}: {e}", report.display()))?;
    let report_writer =
        transfer::Report::new(std::io::BufWriter::new(report_file)).map_err(|e| e.to_string())?;
    let options = transfer::writer::Options {
        dry_run,
        batch_size: transfer::writer::DEFAULT_BATCH,
        bcrypt_cost: settings.bcrypt_cost,
    };
    let started = std::time::Instant::now();
    let summary = with_conn(&db, |conn| {
        transfer::import(
            conn,
            source,
            options,
            report_writer,
            transfer::progress::Progress::auto(),
        )
        .map_err(|e| e.to_string())
    })?;
    let secs = started.elapsed().as_secs_f64();
    let rate = (summary.customers_created + summary.customers_updated) as f64 / secs.max(1e-9);
    writeln!(
        out,
        "{}{summary}
rejected rows: {}
took {secs:.1} s ({rate:.0} customers/s)",
        if dry_run {
            "dry run, nothing kept: "
        } else {
            ""
        },
        report.display()
    )
    .map_err(|e| e.to_string())
}

/// `customer-service export`: the customers and addresses as Magento's CSV pair.
pub fn export(
    settings: &Settings,
    customers: &std::path::Path,
    addresses: &std::path::Path,
    out: &mut impl Write,
) -> Result<(), String> {
    let db = connect(settings)?;
    let create = |p: &std::path::Path| {
        std::fs::File::create(p)
            .map(std::io::BufWriter::new)
            .map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    let (c, a) = with_conn(&db, |conn| {
        let c = transfer::export::export_customers(conn, create(customers)?)
            .map_err(|e| e.to_string())?;
        let a = transfer::export::export_addresses(conn, create(addresses)?)
            .map_err(|e| e.to_string())?;
        Ok((c, a))
    })?;
    writeln!(
        out,
        "{c} customers to {}, {a} addresses to {}",
        customers.display(),
        addresses.display()
    )
    .map_err(|e| e.to_string())
}

/// Median milliseconds of one password hash and one verification at `cost`, as the service
/// computes them (SHA-256 prehash + bcrypt).
pub fn hash_timing(cost: u32, samples: usize) -> (f64, f64) {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut hashes = Vec::with_capacity(samples);
    let mut verifies = Vec::with_capacity(samples);
    let mut stored = String::new();
    for _ in 0..samples {
        let start = std::time::Instant::now();
        stored = password::hash_blocking("Timing-password1", cost).expect("bcrypt");
        hashes.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    for _ in 0..samples {
        let start = std::time::Instant::now();
        password::verify_blocking("Timing-password1", &stored);
        verifies.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    (median(hashes), median(verifies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_passwords_follow_magentos_admin_rule() {
        assert!(check_admin_password("admin123").is_ok());
        assert_eq!(
            check_admin_password("a1").unwrap_err(),
            "Your password must be at least 7 characters."
        );
        assert_eq!(
            check_admin_password("abcdefgh").unwrap_err(),
            "Your password must include both numeric and alphabetic characters."
        );
        assert!(check_admin_password("12345678").is_err());
    }
}
