//! The account operations a storefront sends beyond sign-up and sign-in, each answered as
//! Magento 2.4.8's resolvers answer (CustomerGraphQl DeleteCustomer, ConfirmEmail,
//! ResendConfirmationEmail, UpdateCustomerAddressV2, DeleteCustomerAddressV2,
//! CustomerAddressesV2 + ValidateAddressRequest + Formatter\CustomerAddresses;
//! NewsletterGraphQl SubscribeEmailToNewsletter + its Validation; ReCaptchaWebapiGraphQl
//! ReCaptchaV3 with the security package's config.xml defaults).

use crate::graphql::{err, only_error};
use crate::helpers::*;
use serde_json::{Value, json};

/// The data of a reply that must have succeeded.
fn data(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert!(reply.body.get("errors").is_none(), "{:?}", reply.body);
    reply.body["data"].clone()
}

const NOT_AUTHORIZED: &str = "The current customer isn't authorized.";

fn uid(id: i64) -> String {
    customer_service::graphql::types::uid_of(i32::try_from(id).unwrap()).0
}

/// A customer without addresses, signed in; returns the token.
async fn signed_in(app: &TestApp, email: &str) -> String {
    let created = app
        .create_customer(&json!({"customer": {"email": email, "firstname": "John",
        "lastname": "Doe"}, "password": "Password1"}))
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let token = app.token_reply(email, "Password1").await;
    token.body.as_str().unwrap().to_owned()
}

async fn customers_count(app: &TestApp) -> i64 {
    app.with_db(|conn| {
        use customer_core::db::schema::customers;
        use diesel::prelude::*;
        customers::table.count().get_result::<i64>(conn)
    })
    .await
}

on_both_backends! {
    async fn delete_customer_deletes_the_signed_in_account_only(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let guest = app.graphql("mutation { deleteCustomer }", json!({}), None, None).await;
        assert_eq!(only_error(&guest), err(403, NOT_AUTHORIZED, "graphql-authorization"));
        assert_eq!(guest.body["data"], json!({"deleteCustomer": null}), "{}", guest.body);
        assert_eq!(customers_count(&app).await, 1);

        // A locked account is refused (GetCustomer), and stays.
        let token = app.seed_token().await;
        app.with_db(|conn| {
            use customer_core::db::schema::customers;
            use diesel::prelude::*;
            let until = chrono::Utc::now().naive_utc() + chrono::TimeDelta::hours(1);
            diesel::update(customers::table).set(customers::lock_expires.eq(Some(until))).execute(conn)?;
            Ok(())
        }).await;
        let locked = app.graphql("mutation { deleteCustomer }", json!({}), Some(&token), None).await;
        assert_eq!(only_error(&locked), err(401, "The account is locked.", "graphql-authentication"));
        assert_eq!(customers_count(&app).await, 1);
        app.with_db(|conn| {
            use customer_core::db::schema::customers;
            use diesel::prelude::*;
            diesel::update(customers::table).set(customers::lock_expires.eq(None::<chrono::NaiveDateTime>)).execute(conn)?;
            Ok(())
        }).await;

        let deleted = app.graphql("mutation DeleteAccount { deleteCustomer }", json!({}), Some(&token), None).await;
        assert_eq!(deleted.body, json!({"data": {"deleteCustomer": true}}));
        assert_eq!(customers_count(&app).await, 0);
        assert_eq!(app.token_reply("jdoe@example.com", "Password1").await.status, 401);
    }
}

on_both_backends! {
    async fn confirm_email_and_resend_confirmation_email_answer_as_magento(backend: Backend) {
        let sink = SmtpSink::start().await;
        let url = sink.url();
        let app = spawn_app_with(backend, move |s| {
            s.confirmation_required = true;
            s.smtp_url = Some(url);
        }).await;
        let created = app.graphql("mutation { createCustomerV2(input: {firstname: \"Jane\", lastname: \"Doe\",
            email: \"jane@example.com\", password: \"Password1\"}) { customer { email confirmation_status is_confirmed } } }",
            json!({}), None, None).await;
        assert_eq!(data(&created), json!({"createCustomerV2": {"customer": {"email": "jane@example.com",
            "confirmation_status": "ACCOUNT_CONFIRMED", "is_confirmed": false}}}));
        let first_key = link_param(&mail_text(&sink.messages()[0]), "customer/account/confirm", "key").unwrap();

        let resend = "mutation Resend($email: String!) { resendConfirmationEmail(email: $email) }";
        for (email, message) in [
            ("not-an-email", "Email address is not valid"),
            ("nobody@example.com", "There is no user registered with that email address."),
        ] {
            let reply = app.graphql(resend, json!({"email": email}), None, None).await;
            assert_eq!(only_error(&reply), err(200, message, "graphql-input"), "{email}");
            assert_eq!(reply.body["data"], json!({"resendConfirmationEmail": null}));
        }
        let resent = app.graphql(resend, json!({"email": "jane@example.com"}), None, None).await;
        assert_eq!(resent.body, json!({"data": {"resendConfirmationEmail": true}}));
        let messages = sink.messages();
        assert_eq!(messages.len(), 2);
        let key = link_param(&mail_text(&messages[1]), "customer/account/confirm", "key").unwrap();

        let confirm = "mutation Confirm($input: ConfirmEmailInput!) {
            confirmEmail(input: $input) { customer { email firstname is_confirmed } } }";
        let invalid_token = "The confirmation token is invalid. Verify the token and try again.";
        for (email, k, message) in [
            ("jane@", key.as_str(), "Email is invalid"),
            ("jane@example.com", "wrong", invalid_token),
            // Only the newest key works.
            ("jane@example.com", first_key.as_str(), invalid_token),
        ] {
            let reply = app.graphql(confirm, json!({"input": {"email": email, "confirmation_key": k}}), None, None).await;
            assert_eq!(only_error(&reply), err(200, message, "graphql-input"), "{email} {k}");
        }
        assert_eq!(app.token_reply("jane@example.com", "Password1").await.status, 401, "still unconfirmed");
        let confirmed = app.graphql(confirm, json!({"input": {"email": "jane@example.com", "confirmation_key": key}}), None, None).await;
        assert_eq!(data(&confirmed), json!({"confirmEmail": {"customer": {"email": "jane@example.com",
            "firstname": "Jane", "is_confirmed": true}}}));
        assert_eq!(app.token_reply("jane@example.com", "Password1").await.status, 200);

        let again = app.graphql(resend, json!({"email": "jane@example.com"}), None, None).await;
        assert_eq!(only_error(&again), err(200, "Confirmation isn't needed.", "graphql-input"));
        assert_eq!(sink.messages().len(), 2, "no mail for a refused request");
    }
}

const ADDRESS: &str = "mutation Add($input: CustomerAddressInput!) { createCustomerAddress(input: $input) { id uid } }";

fn address_input(city: &str, default: bool) -> Value {
    json!({"input": {"firstname": "John", "lastname": "Doe", "street": ["1 Main St"], "city": city,
        "postcode": "78701", "telephone": "5551234", "country_code": "US", "region": {"region_id": 57},
        "default_billing": default, "default_shipping": default}})
}

const PAGE: &str = "query Page($currentPage: Int, $pageSize: Int) { customer {
    addressesV2(currentPage: $currentPage, pageSize: $pageSize) {
        items { id city } page_info { page_size current_page total_pages } total_count } } }";

on_both_backends! {
    async fn address_book_v2_pages_changes_and_deletes_by_uid(backend: Backend) {
        let app = spawn_app(backend).await;
        let token = signed_in(&app, "jdoe@example.com").await;
        let token = Some(token.as_str());
        let mut ids = Vec::new();
        for (city, default) in [("Austin", true), ("Houston", false), ("El Paso", false)] {
            let added = app.graphql(ADDRESS, address_input(city, default), token, None).await;
            let added = data(&added)["createCustomerAddress"].clone();
            let id = added["id"].as_i64().unwrap();
            assert_eq!(added["uid"], uid(id));
            ids.push(id);
        }

        // Pages (default: page 1 of 5); a page past the end shows the last page's items.
        let page = |current: Value, size: Value| json!({"currentPage": current, "pageSize": size});
        let defaults = "{ customer { addressesV2 { items { city } page_info { page_size current_page total_pages } total_count } } }";
        assert_eq!(data(&app.graphql(defaults, json!({}), token, None).await), json!({"customer": {"addressesV2": {
            "items": [{"city": "Austin"}, {"city": "Houston"}, {"city": "El Paso"}],
            "page_info": {"page_size": 5, "current_page": 1, "total_pages": 1}, "total_count": 3}}}));
        assert_eq!(data(&app.graphql(PAGE, page(json!(1), json!(2)), token, None).await), json!({"customer": {"addressesV2": {
            "items": [{"id": ids[0], "city": "Austin"}, {"id": ids[1], "city": "Houston"}],
            "page_info": {"page_size": 2, "current_page": 1, "total_pages": 2}, "total_count": 3}}}));
        assert_eq!(data(&app.graphql(PAGE, page(json!(3), json!(2)), token, None).await), json!({"customer": {"addressesV2": {
            "items": [{"id": ids[2], "city": "El Paso"}],
            "page_info": {"page_size": 2, "current_page": 3, "total_pages": 2}, "total_count": 3}}}));
        for (vars, message) in [
            (page(json!(1), json!(0)), "pageSize value must be greater than 0."),
            (page(json!(0), json!(2)), "currentPage value must be greater than 0."),
        ] {
            let reply = app.graphql(PAGE, vars, token, None).await;
            assert_eq!(only_error(&reply), err(200, message, "graphql-input"));
        }

        // No user-defined attributes: empty lists; custom-attribute inputs are accepted.
        let attrs = app.graphql("{ customer { custom_attributes { code } addresses { custom_attributesV2 { code } } } }", json!({}), token, None).await;
        assert_eq!(data(&attrs), json!({"customer": {"custom_attributes": [],
            "addresses": [{"custom_attributesV2": []}, {"custom_attributesV2": []}, {"custom_attributesV2": []}]}}));

        let update = "mutation Update($uid: ID!, $input: CustomerAddressInput) {
            updateCustomerAddressV2(uid: $uid, input: $input) { uid city custom_attributesV2 { code } } }";
        let changed = app.graphql(update, json!({"uid": uid(ids[1]), "input": {"city": "Dallas",
            "custom_attributesV2": [{"attribute_code": "not_an_attribute", "value": "x"}]}}), token, None).await;
        assert_eq!(data(&changed), json!({"updateCustomerAddressV2": {"uid": uid(ids[1]), "city": "Dallas", "custom_attributesV2": []}}));

        // Another customer's address.
        let other_token = signed_in(&app, "other@example.com").await;
        let foreign = app.graphql(ADDRESS, address_input("Waco", false), Some(&other_token), None).await;
        let foreign = data(&foreign)["createCustomerAddress"]["id"].as_i64().unwrap();

        let city = json!({"city": "Nowhere"});
        for (vars, expected) in [
            (json!({"uid": "", "input": city}), err(200, "Address \"uid\" value must be specified", "graphql-input")),
            (json!({"uid": uid(ids[1])}), err(200, "\"input\" value must be specified", "graphql-input")),
            (json!({"uid": uid(ids[1]), "input": {}}), err(200, "\"input\" value must be specified", "graphql-input")),
            (json!({"uid": "@@", "input": city}), err(200, "Value of uid \"@@\" is incorrect.", "graphql-input")),
            (json!({"uid": uid(999_999), "input": city}), err(200, "Could not find an address with the specified ID", "graphql-no-such-entity")),
            (json!({"uid": uid(foreign), "input": city}), err(403, "Current customer does not have permission to get address with the specified ID", "graphql-authorization")),
        ] {
            let reply = app.graphql(update, vars.clone(), token, None).await;
            assert_eq!(only_error(&reply), expected, "{vars}");
        }
        let guest = app.graphql(update, json!({"uid": uid(ids[1]), "input": city}), None, None).await;
        assert_eq!(only_error(&guest), err(403, NOT_AUTHORIZED, "graphql-authorization"));

        let delete = "mutation Delete($uid: ID!) { deleteCustomerAddressV2(uid: $uid) }";
        for (id, expected) in [
            (uid(ids[0]), err(200, "Customer Address with the specified ID is set as default billing address and can not be deleted", "graphql-input")),
            (uid(foreign), err(403, "Current customer does not have permission to get address with the specified ID", "graphql-authorization")),
            ("MTI".to_owned(), err(200, "Value of uid \"MTI\" is incorrect.", "graphql-input")),
        ] {
            let reply = app.graphql(delete, json!({"uid": id}), token, None).await;
            assert_eq!(only_error(&reply), expected, "{id}");
        }
        let deleted = app.graphql(delete, json!({"uid": uid(ids[2])}), token, None).await;
        assert_eq!(deleted.body, json!({"data": {"deleteCustomerAddressV2": true}}));

        // Nothing else changed: the refused requests left the book as it was.
        assert_eq!(data(&app.graphql(PAGE, json!({}), token, None).await), json!({"customer": {"addressesV2": {
            "items": [{"id": ids[0], "city": "Austin"}, {"id": ids[1], "city": "Dallas"}],
            "page_info": {"page_size": 5, "current_page": 1, "total_pages": 1}, "total_count": 2}}}));
        let theirs = app.graphql("{ customer { addresses { city } } }", json!({}), Some(&other_token), None).await;
        assert_eq!(data(&theirs), json!({"customer": {"addresses": [{"city": "Waco"}]}}));
    }
}

on_both_backends! {
    async fn custom_attribute_inputs_are_accepted_and_list_nothing(backend: Backend) {
        let app = spawn_app(backend).await;
        let created = app.graphql("mutation { createCustomerV2(input: {firstname: \"Jane\", lastname: \"Doe\",
            email: \"jane@example.com\", password: \"Password1\",
            custom_attributes: [{attribute_code: \"unknown_code\", value: \"1\"}, {attribute_code: \"other\", selected_options: [{uid: \"MQ==\", value: \"1\"}]}]})
            { customer { firstname custom_attributes { code } } } }", json!({}), None, None).await;
        assert_eq!(data(&created), json!({"createCustomerV2": {"customer": {"firstname": "Jane", "custom_attributes": []}}}));
        let token = app.token_reply("jane@example.com", "Password1").await.body.as_str().unwrap().to_owned();
        let updated = app.graphql("mutation { updateCustomerV2(input: {firstname: \"Janet\",
            custom_attributes: [{attribute_code: \"unknown_code\", value: \"2\"}]}) { customer { firstname custom_attributes(attributeCodes: [\"unknown_code\"]) { code } } } }",
            json!({}), Some(&token), None).await;
        assert_eq!(data(&updated), json!({"updateCustomerV2": {"customer": {"firstname": "Janet", "custom_attributes": []}}}));
    }
}

const SUBSCRIBE: &str = "mutation SubscribeToNewsletter($email: String!) {
  subscribeEmailToNewsletter(email: $email) { status }
}";

on_both_backends! {
    async fn newsletter_subscriptions_for_guests_and_customers(backend: Backend) {
        let app = spawn_app(backend).await;
        let subscribed = json!({"data": {"subscribeEmailToNewsletter": {"status": "SUBSCRIBED"}}});
        let already = err(200, "This email address is already subscribed.", "graphql-already-exists");
        for (email, message) in [
            ("", "You must specify an email address to subscribe to a newsletter."),
            ("   ", "You must specify an email address to subscribe to a newsletter."),
            ("not-an-email", "Enter a valid email address."),
        ] {
            let reply = app.graphql(SUBSCRIBE, json!({"email": email}), None, None).await;
            assert_eq!(only_error(&reply), err(200, message, "graphql-input"), "{email:?}");
            assert_eq!(reply.body["data"], json!({"subscribeEmailToNewsletter": null}));
        }
        let guest = app.graphql(SUBSCRIBE, json!({"email": "guest@example.com"}), None, None).await;
        assert_eq!(guest.body, subscribed);
        let again = app.graphql(SUBSCRIBE, json!({"email": "Guest@Example.com"}), None, None).await;
        assert_eq!(only_error(&again), already);

        // A signed-in customer's own e-mail subscribes the account.
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        let is_subscribed = "{ customer { is_subscribed } }";
        let flag = |reply: &Reply| data(reply)["customer"]["is_subscribed"].clone();
        assert_eq!(flag(&app.graphql(is_subscribed, json!({}), Some(&token), None).await), json!(false));
        // Another e-mail is a guest subscription: the account's flag stays.
        let friend = app.graphql(SUBSCRIBE, json!({"email": "friend@example.com"}), Some(&token), None).await;
        assert_eq!(friend.body, subscribed);
        assert_eq!(flag(&app.graphql(is_subscribed, json!({}), Some(&token), None).await), json!(false));
        let own = app.graphql(SUBSCRIBE, json!({"email": "jdoe@example.com"}), Some(&token), None).await;
        assert_eq!(own.body, subscribed);
        assert_eq!(flag(&app.graphql(is_subscribed, json!({}), Some(&token), None).await), json!(true));
        for token in [Some(token.as_str()), None] {
            let reply = app.graphql(SUBSCRIBE, json!({"email": "jdoe@example.com"}), token, None).await;
            assert_eq!(only_error(&reply), already, "{token:?}");
        }
        // The REST view of the account agrees.
        let me = app.get_me(&token).await;
        assert_eq!(me.body["extension_attributes"]["is_subscribed"], json!(true));
    }
}

on_both_backends! {
    async fn recaptcha_v3_config_says_recaptcha_is_not_configured(backend: Backend) {
        let app = spawn_app(backend).await;
        let reply = app.graphql("query GetReCaptchaV3Config { recaptchaV3Config { is_enabled website_key minimum_score
            badge_position language_code failure_message forms theme } }", json!({}), None, None).await;
        assert_eq!(reply.body, json!({"data": {"recaptchaV3Config": {"is_enabled": false, "website_key": "",
            "minimum_score": 0.5, "badge_position": "inline", "language_code": "",
            "failure_message": "reCAPTCHA verification failed.", "forms": [], "theme": "light"}}}));
        // One form's configuration (2.4.8's recaptchaFormConfig), the new form type included.
        let reply = app.graphql("{ a: recaptchaFormConfig(formType: CUSTOMER_LOGIN) { is_enabled configurations { website_key } }
            b: recaptchaFormConfig(formType: RESEND_CONFIRMATION_EMAIL) { is_enabled configurations { re_captcha_type theme } } }",
            json!({}), None, None).await;
        assert_eq!(reply.body, json!({"data": {"a": {"is_enabled": false, "configurations": null},
            "b": {"is_enabled": false, "configurations": null}}}));
    }
}

on_both_backends! {
    async fn update_customer_that_fails_changes_neither_the_email_nor_the_rest(backend: Backend) {
        let app = spawn_app(backend).await;
        let token = signed_in(&app, "before@example.com").await;
        // The e-mail change is allowed (right password); the date of birth is refused. The
        // whole update is refused, so the e-mail must stay as it was.
        let refused = app
            .graphql(
                r#"mutation { updateCustomer(input: {email: "after@example.com",
                password: "Password1", firstname: "Jane", date_of_birth: "2999-01-01"})
                { customer { email } } }"#,
                json!({}),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(
            only_error(&refused),
            err(200, "The Date of Birth should not be greater than today.", "graphql-input")
        );
        let me = app.get_me(&token).await;
        assert_eq!(me.status, 200, "{:?}", me.body);
        assert_eq!(me.body["email"], "before@example.com");
        assert_eq!(me.body["firstname"], "John");
        assert_eq!(app.token_reply("before@example.com", "Password1").await.status, 200);
        assert_eq!(app.token_reply("after@example.com", "Password1").await.status, 401);
    }
}
