//! Account confirmation when ACCOUNT_CONFIRMATION_REQUIRED is on.

use crate::helpers::*;
use serde_json::json;

on_both_backends! {
    async fn an_unconfirmed_account_confirms_with_the_mailed_key_without_a_token(backend: Backend) {
        let sink = SmtpSink::start().await;
        let url = sink.url();
        let app = spawn_app_with(backend, move |s| {
            s.confirmation_required = true;
            s.smtp_url = Some(url);
        }).await;
        let created = app.post_raw("/rest/V1/customers", &SEED_CREATE.replace("\"password\": \"Password1\"", "\"password\": \"Password1\", \"redirectUrl\": \"https://pwa.example.com/welcome\"")).await;
        assert_eq!(created.status, 200, "{:?}", created.body);
        assert!(created.body.get("confirmation").is_none(), "the key is never returned");
        let text = mail_text(&sink.messages()[0]);
        let key = link_param(&text, "customer/account/confirm", "key").expect("confirmation link");
        assert!(text.contains("back_url=https%3A%2F%2Fpwa.example.com%2Fwelcome"), "{text}");

        let unconfirmed = app.token_reply("jdoe@example.com", "Password1").await;
        assert_eq!((unconfirmed.status, unconfirmed.body), (401, error("This account isn't confirmed. Verify and try again.")));
        let wrong_password = app.token_reply("jdoe@example.com", "Wrong1234").await;
        assert_eq!(wrong_password.body, error("The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."), "nothing revealed without the password");

        let invalid = error("The confirmation token is invalid. Verify the token and try again.");
        for (email, k) in [("jdoe@example.com", "wrong"), ("nobody@example.com", key.as_str())] {
            let reply = app.call("PUT", &format!("/rest/V1/customers/{email}/activate"), None, Some(&json!({"confirmationKey": k}))).await;
            assert_eq!((reply.status, &reply.body), (400, &invalid), "{email}");
        }
        let reply = app.call("PUT", "/rest/V1/customers/jdoe@example.com/activate", None, Some(&json!({}))).await;
        assert_eq!((reply.status, reply.body), (400, required("confirmationKey")));
        let reply = app.call("PUT", "/rest/V1/customers/jdoe%40example.com/activate", None, Some(&json!({"confirmation_key": key}))).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(reply.body["id"], created.body["id"]);
        assert_eq!(reply.body["email"], "jdoe@example.com");

        let token = app.seed_token().await;
        let again = app.call("PUT", "/rest/V1/customers/me/activate", Some(&token), Some(&json!({"confirmationKey": key}))).await;
        assert_eq!((again.status, again.body), (400, error("The account is already active.")));
        let again = app.call("PUT", "/rest/V1/customers/jdoe@example.com/activate", None, Some(&json!({"confirmationKey": key}))).await;
        assert_eq!((again.status, again.body), (400, invalid), "a used key reveals nothing");
    }
}

on_both_backends! {
    async fn without_confirmation_accounts_sign_in_at_once(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let reply = app.call("PUT", "/rest/V1/customers/me/activate", Some(&token), Some(&json!({"confirmationKey": "x"}))).await;
        assert_eq!((reply.status, reply.body), (400, error("The account is already active.")));
    }
}
