//! The command line, run as a real process against a test database.

use crate::helpers::*;
use std::io::Write;
use std::process::{Command, Stdio};

fn run(
    app: &TestApp,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> (bool, String, String) {
    let url = match &app.state.settings.database_url {
        customer_core::config::DatabaseUrl::Postgres(u) => u.clone(),
        customer_core::config::DatabaseUrl::Sqlite(customer_core::config::SqliteTarget::File(
            p,
        )) => {
            format!("sqlite://{}", p.display())
        }
        other => panic!("{other:?}"),
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_customer-service"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("BCRYPT_COST", "4")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

on_both_backends! {
    async fn admins_and_integrations_are_managed_from_the_command_line(backend: Backend) {
        let app = spawn_app(backend).await;
        let (ok, out, _) = run(&app, &["admin", "create", "--username", "alice", "--password-stdin"], Some("s3cretpw\n"), &[]);
        assert!(ok && out.contains("Admin user alice created."), "{out}");
        let (ok, _, _) = run(&app, &["admin", "create", "--username", "bob", "--password-env", "BOB_PW"], None, &[("BOB_PW", "b0bpassword")]);
        assert!(ok);
        let (ok, _, err) = run(&app, &["admin", "create", "--username", "carl", "--password", "short1"], None, &[]);
        assert!(!ok && err.contains("Your password must be at least 7 characters."), "{err}");
        let (ok, _, err) = run(&app, &["admin", "create", "--username", "ALICE", "--password", "another1"], None, &[]);
        assert!(!ok && err.contains("exists already"), "{err}");
        let (ok, out, _) = run(&app, &["admin", "list"], None, &[]);
        assert!(ok && out.contains("alice\tyes") && out.contains("bob\tyes") && !out.contains("carl"), "{out}");

        let token = app.call("POST", "/rest/V1/integration/admin/token", None, Some(&serde_json::json!({"username": "alice", "password": "s3cretpw"}))).await;
        let token = token.body.as_str().unwrap().to_owned();
        assert_eq!(app.call("GET", "/rest/V1/store/websites", Some(&token), None).await.status, 200);
        let (ok, _, _) = run(&app, &["admin", "disable", "alice"], None, &[]);
        assert!(ok);
        assert_eq!(app.call("GET", "/rest/V1/store/websites", Some(&token), None).await.status, 401, "tokens revoked");
        let again = app.call("POST", "/rest/V1/integration/admin/token", None, Some(&serde_json::json!({"username": "alice", "password": "s3cretpw"}))).await;
        assert_eq!(again.status, 401, "a disabled admin cannot sign in");

        let (ok, out, _) = run(&app, &["integration", "create", "--name", "erp", "--resource", "Magento_Customer::customer"], None, &[]);
        assert!(ok);
        let erp = out.trim().to_owned();
        assert_eq!(erp.len(), 32);
        assert_eq!(app.call("GET", "/rest/V1/customers/search?searchCriteria=", Some(&erp), None).await.status, 200);
        assert_eq!(app.call("GET", "/rest/V1/store/websites", Some(&erp), None).await.status, 401);
        let (ok, _, err) = run(&app, &["integration", "create", "--name", "x", "--resource", "Magento_Sales::sales"], None, &[]);
        assert!(!ok && err.contains("unknown resource"), "{err}");
        let (ok, out, _) = run(&app, &["integration", "list"], None, &[]);
        assert!(ok && out.contains("erp\tactive\tMagento_Customer::customer"), "{out}");
        let (ok, _, _) = run(&app, &["integration", "revoke", "erp"], None, &[]);
        assert!(ok);
        assert_eq!(app.call("GET", "/rest/V1/customers/search?searchCriteria=", Some(&erp), None).await.status, 401);
        let (ok, _, err) = run(&app, &["integration", "revoke", "erp"], None, &[]);
        assert!(!ok && err.contains("no active integration"), "{err}");
    }
}
