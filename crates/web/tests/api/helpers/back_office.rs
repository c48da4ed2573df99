//! Admins and integrations through the CLI's own code, and direct database access.

use super::TestApp;

impl TestApp {
    /// Runs a closure on the app's database (off the async workers, as the app does).
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut customer_core::db::DbConnection) -> diesel::QueryResult<T>
        + Clone
        + Send
        + 'static,
    ) -> T {
        self.state.db.run(move |conn| Ok(f(conn)?)).await.unwrap()
    }
}

impl TestApp {
    /// Creates an admin user through the CLI code path and signs it in.
    pub async fn admin_token(&self) -> String {
        let settings = (*self.state.settings).clone();
        tokio::task::spawn_blocking(move || {
            let source = customer_service::cli::PasswordSource::Argument("admin123".into());
            // A second call in the same test finds the user already there; that is fine.
            let _ =
                customer_service::cli::admin_create(&settings, "admin", &source, &mut Vec::new());
        })
        .await
        .unwrap();
        let body = serde_json::json!({"username": "admin", "password": "admin123"});
        let reply = self
            .call(
                "POST",
                "/rest/V1/integration/admin/token",
                None,
                Some(&body),
            )
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.body.as_str().unwrap().to_owned()
    }

    /// Creates an integration with these resources (empty: the default ones); returns its token.
    pub async fn integration_token(&self, name: &str, resources: &[&str]) -> String {
        let settings = (*self.state.settings).clone();
        let name = name.to_owned();
        let resources: Vec<String> = resources.iter().map(|r| r.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            customer_service::cli::integration_create(&settings, &name, &resources, &mut out)
                .unwrap();
            String::from_utf8(out).unwrap().trim().to_owned()
        })
        .await
        .unwrap()
    }
}
