//! One method per route the tests call most, and the seed's own request.

use super::TestApp;
use serde_json::Value;

/// The seed's create-customer request, verbatim (shared/seeds/001_fe899c39b3cb1406.txt).
pub const SEED_CREATE: &str = r#"{
  "customer": {
    "email": "jdoe@example.com",
    "firstname": "Jane",
    "lastname": "Doe",
    "addresses": [{
      "defaultShipping": true,
      "defaultBilling": true,
      "firstname": "Jane",
      "lastname": "Doe",
      "region": {
        "regionCode": "NY",
        "region": "New York",
                                "regionId":43
      },
      "postcode": "10755",
      "street": ["123 Oak Ave"],
      "city": "Purchase",
      "telephone": "512-555-1111",
      "countryId": "US"
    }]
  },
  "password": "Password1"
}"#;

/// A response: status and parsed JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Sends a request built with `build` (and extra headers) and reads the reply.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let (status, content_type, text) = self.send_text(req).await;
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {text:?}"));
        Reply {
            status,
            body,
            content_type,
        }
    }

    /// Sends a request and returns its status, Content-Type and body text, for replies that
    /// are not JSON (Magento's XML rendering).
    pub async fn send_text(&self, req: reqwest::RequestBuilder) -> (u16, String, String) {
        let resp = req.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, content_type, resp.text().await.expect("body read"))
    }

    /// A request to this app, with the bearer token and JSON body when given. Tests that need
    /// other headers add them to it before `send`.
    pub fn build(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::RequestBuilder {
        let url = self.url(path);
        let mut req = self
            .client
            .request(method.parse().expect("HTTP method"), url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        req
    }

    /// The one way a test sends a request: method, path, bearer token, JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        self.send(self.build(method, path, token, body)).await
    }

    /// A POST with a raw body text (for malformed JSON) and `Content-Type: application/json`.
    pub async fn post_raw(&self, path: &str, json: &str) -> Reply {
        self.send(
            self.build("POST", path, None, None)
                .header("Content-Type", "application/json")
                .body(json.to_owned()),
        )
        .await
    }

    // One method per endpoint the tests use most.

    /// `POST /rest/V1/customers`
    pub async fn create_customer(&self, body: &Value) -> Reply {
        self.call("POST", "/rest/V1/customers", None, Some(body))
            .await
    }

    /// `GET /rest/V1/customers/me`
    pub async fn get_me(&self, token: &str) -> Reply {
        self.call("GET", "/rest/V1/customers/me", Some(token), None)
            .await
    }

    /// `PUT /rest/V1/customers/me`
    pub async fn save_me(&self, token: &str, body: &Value) -> Reply {
        self.call("PUT", "/rest/V1/customers/me", Some(token), Some(body))
            .await
    }

    /// `PUT /rest/V1/customers/password` (request a reset mail)
    pub async fn request_reset(&self, body: &Value) -> Reply {
        self.call("PUT", "/rest/V1/customers/password", None, Some(body))
            .await
    }

    /// `POST /rest/V1/customers/resetPassword`
    pub async fn reset_password(&self, body: &Value) -> Reply {
        self.call("POST", "/rest/V1/customers/resetPassword", None, Some(body))
            .await
    }

    /// `POST /graphql` with variables, a bearer token and a `Store` header when given.
    pub async fn graphql(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
        store: Option<&str>,
    ) -> Reply {
        let body = serde_json::json!({"query": query, "variables": variables});
        let mut req = self.build("POST", "/graphql", token, Some(&body));
        if let Some(s) = store {
            req = req.header("Store", s);
        }
        self.send(req).await
    }

    /// Creates the seed customer; panics unless it succeeds.
    pub async fn create_seed_customer(&self) -> Value {
        let reply = self
            .post_raw("/rest/default/V1/customers", SEED_CREATE)
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.body
    }

    /// Asks for a customer token; returns the reply.
    pub async fn token_reply(&self, username: &str, password: &str) -> Reply {
        let body = serde_json::json!({"username": username, "password": password});
        self.call(
            "POST",
            "/rest/V1/integration/customer/token",
            None,
            Some(&body),
        )
        .await
    }

    /// A token for the seed customer.
    pub async fn seed_token(&self) -> String {
        let reply = self.token_reply("jdoe@example.com", "Password1").await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply
            .body
            .as_str()
            .expect("token is a JSON string")
            .to_owned()
    }
}
