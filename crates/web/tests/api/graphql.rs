//! `/graphql`: the seed's requests verbatim, every operation with its error categories, token
//! cross-use with REST, limits, and the committed schema.

use crate::helpers::*;
use serde_json::{Value, json};

/// The seed's createCustomer request (shared/seeds/000_4a0cbe429500037b.txt), verbatim.
const SEED_CREATE: &str = r#"mutation {
  createCustomer(
    input: {
      firstname: "John"
      lastname: "Doe"
      email: "john.doe@example.com"
      password: "b1b2b3l@w+"
      is_subscribed: true
    }
  ) {
    customer {
      firstname
      lastname
      email
      is_subscribed
    }
  }
}"#;

const SEED_TOKEN: &str = r#"mutation {
  generateCustomerToken(email: "john.doe@example.com", password: "b1b2b3l@w+") {
    token
  }
}"#;

impl TestApp {
    /// The seed customer, created and signed in through GraphQL.
    async fn gql_john(&self) -> String {
        let created = self.graphql(SEED_CREATE, json!({}), None, None).await;
        assert_eq!(created.status, 200, "{:?}", created.body);
        let token = self.graphql(SEED_TOKEN, json!({}), None, None).await;
        token.body["data"]["generateCustomerToken"]["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// The single error of a reply: (HTTP status, message, category).
pub fn only_error(reply: &Reply) -> (u16, String, String) {
    let errors = reply.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors: {:?}", reply.body));
    assert_eq!(errors.len(), 1, "{:?}", reply.body);
    (
        reply.status,
        errors[0]["message"].as_str().unwrap().to_owned(),
        errors[0]["extensions"]["category"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
    )
}

pub fn err(status: u16, message: &str, category: &str) -> (u16, String, String) {
    (status, message.to_owned(), category.to_owned())
}

on_both_backends! {
    async fn the_seed_requests_return_the_seed_responses_and_the_token_works_everywhere(backend: Backend) {
        let app = spawn_app(backend).await;
        let created = app.graphql(SEED_CREATE, json!({}), None, None).await;
        assert_eq!(created.status, 200);
        assert_eq!(created.body, json!({"data": {"createCustomer": {"customer": {
            "firstname": "John", "lastname": "Doe", "email": "john.doe@example.com", "is_subscribed": true}}}}));
        let token = app.graphql(SEED_TOKEN, json!({}), None, None).await;
        let t = token.body["data"]["generateCustomerToken"]["token"].as_str().unwrap().to_owned();
        assert_eq!(token.body, json!({"data": {"generateCustomerToken": {"token": t}}}));
        assert_eq!(t.len(), 32);
        let me = app.graphql("{ customer { firstname lastname email is_subscribed id group_id addresses { id } } }", json!({}), Some(&t), None).await;
        assert_eq!(me.body, json!({"data": {"customer": {"firstname": "John", "lastname": "Doe",
            "email": "john.doe@example.com", "is_subscribed": true, "id": null, "group_id": null, "addresses": []}}}));
        // GraphQL token on REST, REST token on GraphQL.
        let rest = app.get_me(&t).await;
        assert_eq!((rest.status, rest.body["email"].clone()), (200, json!("john.doe@example.com")));
        let rest_token = app.token_reply("john.doe@example.com", "b1b2b3l@w+").await.body.as_str().unwrap().to_owned();
        let me = app.graphql("{ customer { email } }", json!({}), Some(&rest_token), Some("default")).await;
        assert_eq!(me.body, json!({"data": {"customer": {"email": "john.doe@example.com"}}}));
        // Revoking through GraphQL ends only that token, on both front doors.
        let revoked = app.graphql("mutation { revokeCustomerToken { result } }", json!({}), Some(&t), None).await;
        assert_eq!(revoked.body, json!({"data": {"revokeCustomerToken": {"result": true}}}));
        assert_eq!(app.get_me(&t).await.status, 401);
        assert_eq!(app.get_me(&rest_token).await.status, 200);
    }
}

on_both_backends! {
    async fn account_operations_answer_with_magentos_messages_and_categories(backend: Backend) {
        let app = spawn_app(backend).await;
        let t = app.gql_john().await;
        let create_v2 = "mutation($i: CustomerCreateInput!) { createCustomerV2(input: $i) { customer { email firstname date_of_birth gender } } }";
        let ok = app.graphql(create_v2, json!({"i": {"firstname": "Ann", "lastname": "Lee", "email": "ann@example.com",
            "password": "Passw0rd!", "date_of_birth": "1990-04-05", "gender": 2}}), None, None).await;
        assert_eq!(ok.body, json!({"data": {"createCustomerV2": {"customer": {"email": "ann@example.com",
            "firstname": "Ann", "date_of_birth": "1990-04-05", "gender": 2}}}}));
        // (query, variables, token, expected single error)
        type Case<'a> = (&'a str, Value, Option<&'a str>, (u16, String, String));
        let cases: Vec<Case> = vec![
            (create_v2, json!({"i": {"firstname": "A", "lastname": "B", "email": "john.doe@example.com", "password": "Passw0rd!"}}), None,
                err(200, "A customer with the same email address already exists in an associated website.", "graphql-already-exists")),
            (create_v2, json!({"i": {"firstname": "A", "lastname": "B", "email": "not-an-email"}}), None,
                err(200, "\"not-an-email\" is not a valid email address.", "graphql-input")),
            (create_v2, json!({"i": {"firstname": "A", "lastname": "B", "email": "w@example.com", "password": "weak"}}), None,
                err(200, "The password needs at least 8 characters. Create a new password and try again.", "graphql-input")),
            (create_v2, json!({"i": {"firstname": "A", "lastname": "B", "email": "g@example.com", "gender": 9}}), None,
                err(200, "\"9\" is not a valid gender value.", "graphql-input")),
            (
                create_v2,
                json!({"i": {"firstname": "\u{0}", "lastname": "B", "email": "n@example.com"}}),
                None,
                err(200, "\"First Name\" cannot contain the NUL character.", "graphql-input"),
            ),
            (create_v2, json!({"i": {"firstname": "", "lastname": "B", "email": "f@example.com"}}), None,
                err(200, "Required parameters are missing: First Name", "graphql-input")),
            ("mutation { createCustomer(input: {}) { customer { email } } }", json!({}), None,
                err(200, "\"input\" value should be specified", "graphql-input")),
            ("mutation { generateCustomerToken(email: \"john.doe@example.com\", password: \"wrong\") { token } }", json!({}), None,
                err(401, "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.", "graphql-authentication")),
            ("mutation { generateCustomerToken(email: \"\", password: \"x\") { token } }", json!({}), None,
                err(200, "Specify the \"email\" value.", "graphql-input")),
            ("mutation { generateCustomerToken(email: \"a@b.co\", password: \" \") { token } }", json!({}), None,
                err(200, "Specify the \"password\" value.", "graphql-input")),
            ("{ customer { email } }", json!({}), None, err(403, "The current customer isn't authorized.", "graphql-authorization")),
            ("mutation { revokeCustomerToken { result } }", json!({}), None, err(403, "The current customer isn't authorized.", "graphql-authorization")),
            ("mutation { updateCustomerV2(input: {firstname: \"\"}) { customer { firstname } } }", json!({}), Some(t.as_str()),
                err(200, "Required parameters are missing: First Name", "graphql-input")),
            ("mutation { updateCustomerEmail(email: \"x@example.com\", password: \"wrong\") { customer { email } } }", json!({}), Some(t.as_str()),
                err(401, "Invalid login or password.", "graphql-authentication")),
            ("mutation { updateCustomerEmail(email: \"ann@example.com\", password: \"b1b2b3l@w+\") { customer { email } } }", json!({}), Some(t.as_str()),
                err(200, "A customer with the same email address already exists in an associated website.", "graphql-already-exists")),
            ("mutation { changeCustomerPassword(currentPassword: \"wrong\", newPassword: \"N3w-password\") { email } }", json!({}), Some(t.as_str()),
                err(401, "Invalid login or password.", "graphql-authentication")),
            ("mutation { changeCustomerPassword(currentPassword: \"\", newPassword: \"x\") { email } }", json!({}), Some(t.as_str()),
                err(200, "Specify the \"currentPassword\" value.", "graphql-input")),
            ("mutation { changeCustomerPassword(currentPassword: \"b1b2b3l@w+\", newPassword: \"weakweak\") { email } }", json!({}), Some(t.as_str()),
                err(200, "Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.", "graphql-input")),
            ("{ isEmailAvailable(email: \"\") { is_email_available } }", json!({}), None, err(200, "Email must be specified", "graphql-input")),
            ("{ isEmailAvailable(email: \"nope\") { is_email_available } }", json!({}), None, err(200, "Email is invalid", "graphql-input")),
            ("{ country(id: \"XX\") { id } }", json!({}), None, err(200, "The country isn't available.", "graphql-no-such-entity")),
            ("mutation { requestPasswordResetEmail(email: \"bad\") }", json!({}), None, err(200, "The email address has an invalid format.", "graphql-input")),
            ("mutation { resetPassword(email: \"john.doe@example.com\", resetPasswordToken: \"nope\", newPassword: \"N3w-password\") }", json!({}), None,
                err(200, "The password token is mismatched. Reset and try again.", "graphql-input")),
            ("mutation { resetPassword(email: \"john.doe@example.com\", resetPasswordToken: \"\", newPassword: \"x\") }", json!({}), None,
                err(200, "resetPasswordToken must be specified", "graphql-input")),
        ];
        for (query, variables, token, expected) in cases {
            let reply = app.graphql(query, variables.clone(), token, None).await;
            assert_eq!(only_error(&reply), expected, "{query} {variables}");
        }

        let available = app.graphql("{ isEmailAvailable(email: \"john.doe@example.com\") { is_email_available } }", json!({}), None, None).await;
        assert_eq!(available.body, json!({"data": {"isEmailAvailable": {"is_email_available": true}}}), "private by default");
        let updated = app.graphql("mutation { updateCustomerV2(input: {firstname: \"Johnny\", is_subscribed: false}) { customer { firstname lastname is_subscribed } } }", json!({}), Some(&t), None).await;
        assert_eq!(updated.body, json!({"data": {"updateCustomerV2": {"customer": {"firstname": "Johnny", "lastname": "Doe", "is_subscribed": false}}}}));
        let other_device = app.graphql(SEED_TOKEN, json!({}), None, None).await.body["data"]["generateCustomerToken"]["token"].as_str().unwrap().to_owned();
        let changed = app.graphql("mutation { changeCustomerPassword(currentPassword: \"b1b2b3l@w+\", newPassword: \"N3w-password\") { email } }", json!({}), Some(&t), None).await;
        assert_eq!(changed.body, json!({"data": {"changeCustomerPassword": {"email": "john.doe@example.com"}}}));
        assert_eq!(app.graphql("{ customer { email } }", json!({}), Some(&other_device), None).await.status, 403, "other devices signed out");
        let email = app.graphql("mutation { updateCustomerEmail(email: \"john@example.net\", password: \"N3w-password\") { customer { email } } }", json!({}), Some(&t), None).await;
        assert_eq!(email.body, json!({"data": {"updateCustomerEmail": {"customer": {"email": "john@example.net"}}}}));
    }
}

on_both_backends! {
    async fn addresses_are_created_changed_and_deleted_with_magentos_rules(backend: Backend) {
        let app = spawn_app(backend).await;
        let t = app.gql_john().await;
        let create = "mutation($i: CustomerAddressInput!) { createCustomerAddress(input: $i) { id region { region_code region region_id } country_code street default_billing default_shipping customer_id } }";
        let address = |region: Value| json!({"i": {"firstname": "John", "lastname": "Doe", "street": ["1 Main St"], "city": "Austin",
            "postcode": "78701", "telephone": "5551234", "country_code": "US", "region": region, "default_billing": true}});
        let reply = app.graphql(create, address(json!({"region_id": 57})), Some(&t), None).await;
        let created = &reply.body["data"]["createCustomerAddress"];
        let id = created["id"].as_i64().expect("id");
        assert_eq!(created, &json!({"id": id, "region": {"region_code": "TX", "region": "Texas", "region_id": 57}, "country_code": "US",
            "street": ["1 Main St"], "default_billing": true, "default_shipping": false, "customer_id": null}));
        for (region, expected) in [
            (json!({"region_code": "TX"}), err(200, "A region_id is required for the specified country code", "graphql-input")),
            (json!({"region_id": 66}), err(200, "The region_id does not match the selected country or region", "graphql-input")),
            (json!({"region_id": 57, "region_code": "CA"}), err(200, "The region_id does not match the selected country or region", "graphql-input")),
        ] {
            assert_eq!(only_error(&app.graphql(create, address(region), Some(&t), None).await), expected);
        }
        let missing = app.graphql(create, json!({"i": {"country_code": "GB", "firstname": "J"}}), Some(&t), None).await;
        assert_eq!(only_error(&missing).2, "graphql-input");
        assert!(only_error(&missing).1.contains("\"lastname\" is required. Enter and try again.\n\"street\" is required."), "{:?}", missing.body);
        let empty = app.graphql("mutation { createCustomerAddress(input: {}) { id } }", json!({}), Some(&t), None).await;
        assert_eq!(only_error(&empty), err(200, "\"input\" value should be specified", "graphql-input"));

        let second = app.graphql(create, json!({"i": {"firstname": "John", "lastname": "Doe", "street": ["9 High St"], "city": "London",
            "telephone": "5551234", "country_code": "GB"}}), Some(&t), None).await.body["data"]["createCustomerAddress"]["id"].as_i64().unwrap();
        let update = format!("mutation {{ updateCustomerAddress(id: {second}, input: {{city: \"Leeds\", default_shipping: true}}) {{ city street default_shipping }} }}");
        assert_eq!(app.graphql(&update, json!({}), Some(&t), None).await.body,
            json!({"data": {"updateCustomerAddress": {"city": "Leeds", "street": ["9 High St"], "default_shipping": true}}}));
        let me = app.graphql("{ customer { default_billing default_shipping addresses { id } } }", json!({}), Some(&t), None).await;
        assert_eq!(me.body["data"]["customer"]["default_billing"], json!(id.to_string()));
        assert_eq!(me.body["data"]["customer"]["default_shipping"], json!(second.to_string()));

        // Someone else's address, and one that does not exist.
        let other = app.graphql("mutation { createCustomerV2(input: {firstname: \"O\", lastname: \"P\", email: \"o@example.com\", password: \"Passw0rd!\"}) { customer { email } } }", json!({}), None, None).await;
        assert_eq!(other.status, 200);
        let o = app.graphql("mutation { generateCustomerToken(email: \"o@example.com\", password: \"Passw0rd!\") { token } }", json!({}), None, None).await.body["data"]["generateCustomerToken"]["token"].as_str().unwrap().to_owned();
        let foreign = app.graphql(&format!("mutation {{ updateCustomerAddress(id: {id}, input: {{city: \"X\"}}) {{ id }} }}"), json!({}), Some(&o), None).await;
        assert_eq!(only_error(&foreign), err(403, &format!("Current customer does not have permission to address with ID \"{id}\""), "graphql-authorization"));
        let unknown = app.graphql("mutation { deleteCustomerAddress(id: 987654) }", json!({}), Some(&t), None).await;
        assert_eq!(only_error(&unknown), err(200, "Could not find a address with ID \"987654\"", "graphql-no-such-entity"));
        let default = app.graphql(&format!("mutation {{ deleteCustomerAddress(id: {id}) }}"), json!({}), Some(&t), None).await;
        assert_eq!(only_error(&default), err(200, &format!("Customer Address {id} is set as default billing address and can not be deleted"), "graphql-input"));
        let moved = app.graphql(&format!("mutation {{ updateCustomerAddress(id: {second}, input: {{default_billing: true}}) {{ id }} }}"), json!({}), Some(&t), None).await;
        assert_eq!(moved.status, 200);
        let deleted = app.graphql(&format!("mutation {{ deleteCustomerAddress(id: {id}) }}"), json!({}), Some(&t), None).await;
        assert_eq!(deleted.body, json!({"data": {"deleteCustomerAddress": true}}));
    }
}

on_both_backends! {
    async fn password_reset_works_through_graphql(backend: Backend) {
        let app = spawn_app(backend).await;
        app.gql_john().await;
        let sent = app.graphql("mutation { requestPasswordResetEmail(email: \"john.doe@example.com\") }", json!({}), None, None).await;
        assert_eq!(sent.body, json!({"data": {"requestPasswordResetEmail": true}}));
        let key = std::fs::read_dir(&app.mail_dir).unwrap()
            .filter_map(|e| link_param(&mail_text(&std::fs::read_to_string(e.unwrap().path()).unwrap()), "createPassword", "token"))
            .next().expect("reset mail");
        let reset = app.graphql("mutation($k: String!) { resetPassword(email: \"john.doe@example.com\", resetPasswordToken: $k, newPassword: \"N3w-password\") }", json!({"k": key}), None, None).await;
        assert_eq!(reset.body, json!({"data": {"resetPassword": true}}));
        assert_eq!(app.token_reply("john.doe@example.com", "N3w-password").await.status, 200);
    }
}

on_both_backends! {
    async fn transport_store_header_limits_and_introspection(backend: Backend) {
        let app = spawn_app(backend).await;
        let countries = app.graphql("{ countries { id three_letter_abbreviation available_regions { id code name } } }", json!({}), None, Some("default")).await;
        let list = countries.body["data"]["countries"].as_array().unwrap();
        assert_eq!(list.len(), 251);
        let us = list.iter().find(|c| c["id"] == "US").unwrap();
        assert!(us["available_regions"].as_array().unwrap().contains(&json!({"id": 43, "code": "NY", "name": "New York"})));
        let store = app.graphql("{ countries { id } }", json!({}), None, Some("nowhere")).await;
        assert_eq!(only_error(&store), err(200, "Requested store is not found (nowhere)", "graphql-input"));

        // 2 + 3 x 7 + 1 levels: over Magento's depth limit of 20.
        let deep = format!("{{ __schema {{ types {{ {}name{} }} }} }}", "fields { type { ofType { ".repeat(7), " } } }".repeat(7));
        let reply = app.graphql(&deep, json!({}), None, None).await;
        assert_eq!(only_error(&reply).1, "Query is nested too deep.");
        let introspection = app.graphql("{ __schema { queryType { name } mutationType { name } } }", json!({}), None, None).await;
        assert_eq!(introspection.body, json!({"data": {"__schema": {"queryType": {"name": "Query"}, "mutationType": {"name": "Mutation"}}}}));

        let get = app.send(app.build("GET", "/graphql?query=%7Bcountry(id%3A%22GB%22)%7Bfull_name_english%7D%7D", None, None)).await;
        assert_eq!(get.body, json!({"data": {"country": {"full_name_english": "United Kingdom"}}}));
        let get_mutation = app.send(app.build("GET", "/graphql?query=mutation%7BrevokeCustomerToken%7Bresult%7D%7D", None, None)).await;
        assert_eq!(only_error(&get_mutation), err(200, "Mutation requests allowed only for POST requests", "graphql-input"));
        let bad = app.send(app.build("POST", "/graphql", None, None).header("Content-Type", "application/json").body("{nope")).await;
        assert_eq!(only_error(&bad), err(400, "Syntax Error: Unable to parse the request.", ""));
    }
}

#[test]
fn schema_graphql_is_what_the_server_serves() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema.graphql");
    let sdl = customer_service::graphql::build_schema().sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(path, &sdl).unwrap();
    }
    let committed = std::fs::read_to_string(path).expect("schema.graphql is committed");
    assert!(
        committed == sdl,
        "schema.graphql drifted from the server's schema; rerun with UPDATE_SCHEMA=1 and commit it"
    );
}
