//! A storefront's GraphQL, as PWA Studio's account pages send it (documents from
//! magento/pwa-studio packages/peregrine/lib/talons/*/*.gql.js: operation names, fragments and
//! variables kept), and the store queries those pages read first (StoreGraphQl,
//! DirectoryGraphQl, CustomerGraphQl's storeConfig fields), with the values of a fresh Magento
//! install.

use crate::helpers::*;
use serde_json::{Value, json};

const STORE_CONFIG: &str = "query GetStoreConfigForAccountPages {
  storeConfig {
    store_code store_name is_default_store store_group_code is_default_store_group website_code
    locale base_currency_code use_store_in_url
    minimum_password_length required_character_classes_number create_account_confirmation
    customer_access_token_lifetime autocomplete_on_storefront newsletter_enabled
  }
}";

const CREATE_ACCOUNT: &str = "mutation CreateAccount($email: String!, $firstname: String!, $lastname: String!, $password: String!, $is_subscribed: Boolean!) {
  createCustomer(input: {email: $email, firstname: $firstname, lastname: $lastname, password: $password, is_subscribed: $is_subscribed}) {
    customer { email }
  }
}";

const SIGN_IN: &str = "mutation SignIn($email: String!, $password: String!) {
  generateCustomerToken(email: $email, password: $password) { token }
}";

const ACCOUNT_FRAGMENT: &str =
    "fragment AccountInformationPageFragment on Customer { id firstname lastname email }";

const GET_CUSTOMER_INFORMATION: &str = "query GetCustomerInformation {
  customer { ...AccountInformationPageFragment is_confirmed }
}";

const SET_CUSTOMER_INFORMATION: &str =
    "mutation SetCustomerInformation($customerInput: CustomerInput!) {
  updateCustomer(input: $customerInput) { customer { ...AccountInformationPageFragment } }
}";

const CHANGE_CUSTOMER_PASSWORD: &str =
    "mutation ChangeCustomerPassword($currentPassword: String!, $newPassword: String!) {
  changeCustomerPassword(currentPassword: $currentPassword, newPassword: $newPassword) { email }
}";

const SET_NEWSLETTER_SUBSCRIPTION: &str =
    "mutation SetNewsletterSubscription($isSubscribed: Boolean!) {
  updateCustomer(input: {is_subscribed: $isSubscribed}) { customer { is_subscribed } }
}";

const ADDRESS_FRAGMENT: &str = "fragment CustomerAddressBookAddressFragment on CustomerAddress {
  __typename id uid city country_code default_billing default_shipping firstname lastname middlename
  postcode region { region region_code region_id } street telephone extension_attributes { attribute_code value }
}";

const GET_ADDRESSES: &str = "query GetCustomerAddressesForAddressBook {
  customer { addresses { ...CustomerAddressBookAddressFragment } }
}";

const ADD_ADDRESS: &str =
    "mutation AddNewCustomerAddressToAddressBook($address: CustomerAddressInput!) {
  createCustomerAddress(input: $address) { id }
}";

fn with(document: &str, fragment: &str) -> String {
    format!("{document}\n{fragment}")
}

on_both_backends! {
    async fn store_queries_answer_a_fresh_installs_configuration(backend: Backend) {
        let app = spawn_app(backend).await;
        // As PWA Studio sends it signed out: GET, the document in the URL, an empty authorization.
        let req = app.client.get(app.url("/graphql"))
            .query(&[("query", STORE_CONFIG), ("operationName", "GetStoreConfigForAccountPages"), ("variables", "{}")])
            .header("Authorization", "")
            .header("Store", "default");
        let reply = app.send(req).await;
        assert_eq!((reply.status, reply.body), (200, json!({"data": {"storeConfig": {
            "store_code": "default", "store_name": "Default Store View", "is_default_store": true,
            "store_group_code": "main_website_store", "is_default_store_group": true, "website_code": "base",
            "locale": "en_US", "base_currency_code": "USD", "use_store_in_url": false,
            "minimum_password_length": "8", "required_character_classes_number": "3",
            "create_account_confirmation": false, "customer_access_token_lifetime": 1.0,
            // Magento_Customer's config.xml: customer/password/autocomplete_on_storefront = 0.
            "autocomplete_on_storefront": false, "newsletter_enabled": true}}})));
        let reply = app.graphql("{ availableStores { store_code store_name } availableStores2: availableStores(useCurrentGroup: true) { store_code }
            currency { base_currency_code base_currency_symbol default_display_currency_code default_display_currency_symbol
                       available_currency_codes exchange_rates { currency_to rate } } }", json!({}), None, None).await;
        assert_eq!((reply.status, reply.body), (200, json!({"data": {
            "availableStores": [{"store_code": "default", "store_name": "Default Store View"}],
            "availableStores2": [{"store_code": "default"}],
            "currency": {"base_currency_code": "USD", "base_currency_symbol": "$", "default_display_currency_code": "USD",
                         "default_display_currency_symbol": "$", "available_currency_codes": ["USD"],
                         "exchange_rates": [{"currency_to": "USD", "rate": 1.0}]}}})));
    }
}

on_both_backends! {
    async fn pwa_studio_account_pages_work_unchanged(backend: Backend) {
        let app = spawn_app(backend).await;
        let data = |reply: &Reply| -> Value {
            assert_eq!(reply.status, 200, "{:?}", reply.body);
            assert!(reply.body.get("errors").is_none(), "{:?}", reply.body);
            reply.body["data"].clone()
        };
        // Sign-up page, then sign-in.
        let created = app.graphql(CREATE_ACCOUNT, json!({"email": "jane@example.com", "firstname": "Jane",
            "lastname": "Doe", "password": "Password1", "is_subscribed": false}), None, None).await;
        assert_eq!(data(&created), json!({"createCustomer": {"customer": {"email": "jane@example.com"}}}));
        let signed_in = app.graphql(SIGN_IN, json!({"email": "jane@example.com", "password": "Password1"}), None, None).await;
        let token = data(&signed_in)["generateCustomerToken"]["token"].as_str().unwrap().to_owned();
        let token = Some(token.as_str());

        // Account information page: Customer.id is null since Magento 2.4.7.
        let info = app.graphql(&with(GET_CUSTOMER_INFORMATION, ACCOUNT_FRAGMENT), json!({}), token, None).await;
        assert_eq!(data(&info), json!({"customer": {"id": null, "firstname": "Jane", "lastname": "Doe",
            "email": "jane@example.com", "is_confirmed": true}}));
        let renamed = app.graphql(&with(SET_CUSTOMER_INFORMATION, ACCOUNT_FRAGMENT),
            json!({"customerInput": {"firstname": "Janet", "lastname": "Doe"}}), token, None).await;
        assert_eq!(data(&renamed), json!({"updateCustomer": {"customer": {"id": null, "firstname": "Janet",
            "lastname": "Doe", "email": "jane@example.com"}}}));
        // UpdateCustomerAccount: a changed e-mail needs the current password.
        let refused = app.graphql(&with(SET_CUSTOMER_INFORMATION, ACCOUNT_FRAGMENT),
            json!({"customerInput": {"email": "janet@example.com"}}), token, None).await;
        assert_eq!(refused.body["errors"][0]["message"], "Provide the current \"password\" to change \"email\".");
        assert_eq!(refused.body["errors"][0]["extensions"]["category"], "graphql-input");
        let moved = app.graphql(&with(SET_CUSTOMER_INFORMATION, ACCOUNT_FRAGMENT),
            json!({"customerInput": {"email": "janet@example.com", "password": "Password1"}}), token, None).await;
        assert_eq!(data(&moved)["updateCustomer"]["customer"]["email"], "janet@example.com");
        let empty = app.graphql(&with(SET_CUSTOMER_INFORMATION, ACCOUNT_FRAGMENT),
            json!({"customerInput": {}}), token, None).await;
        assert_eq!(empty.body["errors"][0]["message"], "\"input\" value should be specified");

        // Newsletter (communications) page.
        let subscribed = app.graphql(SET_NEWSLETTER_SUBSCRIPTION, json!({"isSubscribed": true}), token, None).await;
        assert_eq!(data(&subscribed), json!({"updateCustomer": {"customer": {"is_subscribed": true}}}));

        // Address book page.
        let added = app.graphql(ADD_ADDRESS, json!({"address": {"firstname": "Janet", "lastname": "Doe",
            "street": ["1 Main St"], "city": "Austin", "postcode": "78701", "telephone": "5551234",
            "country_code": "US", "region": {"region_id": 57}, "default_billing": true, "default_shipping": true}}),
            token, None).await;
        let id = data(&added)["createCustomerAddress"]["id"].as_i64().unwrap();
        let book = app.graphql(&with(GET_ADDRESSES, ADDRESS_FRAGMENT), json!({}), token, None).await;
        let uid = base64_of(&id.to_string());
        assert_eq!(data(&book), json!({"customer": {"addresses": [{"__typename": "CustomerAddress", "id": id,
            "uid": uid, "city": "Austin", "country_code": "US", "default_billing": true, "default_shipping": true,
            "firstname": "Janet", "lastname": "Doe", "middlename": null, "postcode": "78701",
            "region": {"region": "Texas", "region_code": "TX", "region_id": 57}, "street": ["1 Main St"],
            "telephone": "5551234", "extension_attributes": []}]}}));

        // Password page.
        let changed = app.graphql(CHANGE_CUSTOMER_PASSWORD,
            json!({"currentPassword": "Password1", "newPassword": "Password2"}), token, None).await;
        assert_eq!(data(&changed), json!({"changeCustomerPassword": {"email": "janet@example.com"}}));
    }
}

/// PHP's `base64_encode`, written out for the few ids a test needs.
fn base64_of(text: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

const ADDRESS_BOOK_V2: &str = "query GetCustomerAddressesForAddressBook($currentPage: Int, $pageSize: Int) {
  customer { addressesV2(currentPage: $currentPage, pageSize: $pageSize) {
    items { ...CustomerAddressBookAddressFragment } page_info { current_page page_size total_pages } total_count } }
}";

const UPDATE_ADDRESS_V2: &str = "mutation UpdateCustomerAddressInAddressBook($addressUid: ID!, $updated_address: CustomerAddressInput!) {
  updateCustomerAddressV2(uid: $addressUid, input: $updated_address) { ...CustomerAddressBookAddressFragment }
}";

const DELETE_ADDRESS_V2: &str = "mutation DeleteCustomerAddressFromAddressBook($addressUid: ID!) {
  deleteCustomerAddressV2(uid: $addressUid)
}";

const SUBSCRIBE_TO_NEWSLETTER: &str = "mutation SubscribeToNewsletter($email: String!) {
  subscribeEmailToNewsletter(email: $email) { status }
}";

const FORGOT_PASSWORD: &str = "mutation requestPasswordResetEmail($email: String!) {
  requestPasswordResetEmail(email: $email)
}";

const RECAPTCHA: &str = "query GetReCaptchaV3Config { recaptchaV3Config { website_key badge_position language_code forms } }";

on_both_backends! {
    async fn storefront_address_book_v2_newsletter_and_password_pages(backend: Backend) {
        let app = spawn_app(backend).await;
        let data = |reply: &Reply| -> Value {
            assert_eq!(reply.status, 200, "{:?}", reply.body);
            assert!(reply.body.get("errors").is_none(), "{:?}", reply.body);
            reply.body["data"].clone()
        };
        // Sign-in page (signed out: GET with an empty authorization header) reads reCAPTCHA first.
        let req = app.client.get(app.url("/graphql"))
            .query(&[("query", RECAPTCHA), ("operationName", "GetReCaptchaV3Config"), ("variables", "{}")])
            .header("Authorization", "");
        assert_eq!(data(&app.send(req).await), json!({"recaptchaV3Config": {"website_key": "",
            "badge_position": "inline", "language_code": "", "forms": []}}));
        let created = app.graphql(CREATE_ACCOUNT, json!({"email": "jane@example.com", "firstname": "Jane",
            "lastname": "Doe", "password": "Password1", "is_subscribed": false}), None, None).await;
        data(&created);
        let signed_in = app.graphql(SIGN_IN, json!({"email": "jane@example.com", "password": "Password1"}), None, None).await;
        let token = data(&signed_in)["generateCustomerToken"]["token"].as_str().unwrap().to_owned();
        let token = Some(token.as_str());

        // Footer newsletter form, signed in with the account's own e-mail.
        let subscribed = app.graphql(SUBSCRIBE_TO_NEWSLETTER, json!({"email": "jane@example.com"}), token, None).await;
        assert_eq!(data(&subscribed), json!({"subscribeEmailToNewsletter": {"status": "SUBSCRIBED"}}));
        let flag = app.graphql("query GetNewsletterSubscription { customer { is_subscribed } }", json!({}), token, None).await;
        assert_eq!(data(&flag), json!({"customer": {"is_subscribed": true}}));

        // Address book with uids.
        let added = app.graphql(ADD_ADDRESS, json!({"address": {"firstname": "Jane", "lastname": "Doe",
            "street": ["1 Main St"], "city": "Austin", "postcode": "78701", "telephone": "5551234",
            "country_code": "US", "region": {"region_id": 57}}}), token, None).await;
        let id = data(&added)["createCustomerAddress"]["id"].as_i64().unwrap();
        let uid = base64_of(&id.to_string());
        let updated = app.graphql(&with(UPDATE_ADDRESS_V2, ADDRESS_FRAGMENT), json!({"addressUid": uid,
            "updated_address": {"city": "Dallas", "default_billing": true}}), token, None).await;
        assert_eq!(data(&updated)["updateCustomerAddressV2"]["city"], "Dallas");
        let book = app.graphql(&with(ADDRESS_BOOK_V2, ADDRESS_FRAGMENT), json!({"currentPage": 1, "pageSize": 10}), token, None).await;
        assert_eq!(data(&book), json!({"customer": {"addressesV2": {"items": [{"__typename": "CustomerAddress",
            "id": id, "uid": uid, "city": "Dallas", "country_code": "US", "default_billing": true, "default_shipping": false,
            "firstname": "Jane", "lastname": "Doe", "middlename": null, "postcode": "78701",
            "region": {"region": "Texas", "region_code": "TX", "region_id": 57}, "street": ["1 Main St"],
            "telephone": "5551234", "extension_attributes": []}],
            "page_info": {"current_page": 1, "page_size": 10, "total_pages": 1}, "total_count": 1}}}));
        let refused = app.graphql(DELETE_ADDRESS_V2, json!({"addressUid": uid}), token, None).await;
        assert_eq!(refused.body["errors"][0]["message"],
            "Customer Address with the specified ID is set as default billing address and can not be deleted");
        let unset = app.graphql(&with(UPDATE_ADDRESS_V2, ADDRESS_FRAGMENT), json!({"addressUid": uid,
            "updated_address": {"default_billing": false}}), token, None).await;
        data(&unset);
        let deleted = app.graphql(DELETE_ADDRESS_V2, json!({"addressUid": uid}), token, None).await;
        assert_eq!(data(&deleted), json!({"deleteCustomerAddressV2": true}));

        // Forgot-password page, signed out.
        let reset = app.graphql(FORGOT_PASSWORD, json!({"email": "jane@example.com"}), None, None).await;
        assert_eq!(data(&reset), json!({"requestPasswordResetEmail": true}));
        let empty = app.graphql(FORGOT_PASSWORD, json!({"email": ""}), None, None).await;
        assert_eq!(empty.body["errors"][0]["message"], "You must specify an email address.");
    }
}

on_both_backends! {
    async fn store_config_answers_every_field_a_storefront_asks_for(backend: Backend) {
        let app = spawn_app_with(backend, |s| s.storefront_url = "https://shop.example.com".into()).await;
        // Fields of Adobe's drop-ins (auth, account) and GraphCommerce's StoreConfig fragment that
        // belong to other parts of a shop: each answers with Magento 2.4.8's fresh-install value.
        let reply = app.graphql("{ storeConfig {
            countries_with_required_region optional_zip_countries display_state_if_optional default_country
            share_customer_accounts_scope shopping_assistance_enabled shopping_assistance_checkbox_title
            graphql_share_all_customer_groups graphql_share_customer_group
            header_logo_src logo_alt logo_width copyright default_title title_separator absolute_footer
            catalog_default_sort_by category_url_suffix product_url_suffix grid_per_page grid_per_page_values
            root_category_id root_category_uid allow_guests_to_write_product_reviews product_reviews_enabled
            order_cancellation_enabled order_cancellation_reasons { description } contact_enabled
            send_friend { enabled_for_customers enabled_for_guests } category_fixed_product_tax_display_setting
            configurable_product_image grouped_product_image configurable_thumbnail_source
            shopping_cart_display_tax_gift_wrapping display_product_prices_in_catalog cart_expires_in_days
            base_link_url secure_base_media_url
        } }", json!({}), None, None).await;
        let state_required = "US,CA,CH,ES,RO,EE,LV,LT,BR,AL,AR,HR,IN,AU,BY,BE,BO,BG,CL,CN,CO,CR,CZ,DK,EC,GR,GY,IS,IT,MX,PY,PE,PL,PT,SR,SE,UA,UY,VE";
        assert_eq!((reply.status, reply.body), (200, json!({"data": {"storeConfig": {
            "countries_with_required_region": state_required, "optional_zip_countries": "HK,IE,MO,PA,GB",
            "display_state_if_optional": true, "default_country": "US",
            "share_customer_accounts_scope": 1, "shopping_assistance_enabled": false,
            "shopping_assistance_checkbox_title": "Allow remote shopping assistance",
            "graphql_share_all_customer_groups": true, "graphql_share_customer_group": true,
            "header_logo_src": null, "logo_alt": null, "logo_width": null,
            "copyright": "Copyright © 2013-present Magento, Inc. All rights reserved.",
            "default_title": "Magento Commerce", "title_separator": "-", "absolute_footer": null,
            "catalog_default_sort_by": "position", "category_url_suffix": ".html", "product_url_suffix": ".html",
            "grid_per_page": 12, "grid_per_page_values": "12,24,36",
            "root_category_id": 2, "root_category_uid": "Mg==",
            "allow_guests_to_write_product_reviews": "1", "product_reviews_enabled": "1",
            "order_cancellation_enabled": false,
            "order_cancellation_reasons": [{"description": "The item(s) are no longer needed"},
                {"description": "The order was placed by mistake"},
                {"description": "Item(s) not arriving within the expected timeframe"},
                {"description": "Found a better price elsewhere"}, {"description": "Other"}],
            "contact_enabled": true,
            "send_friend": {"enabled_for_customers": false, "enabled_for_guests": false},
            "category_fixed_product_tax_display_setting": "FPT_DISABLED",
            "configurable_product_image": "PARENT", "grouped_product_image": "ITSELF",
            "configurable_thumbnail_source": "parent", "shopping_cart_display_tax_gift_wrapping": null,
            "display_product_prices_in_catalog": 1, "cart_expires_in_days": 30,
            "base_link_url": "https://shop.example.com/", "secure_base_media_url": "https://shop.example.com/media/",
        }}})));
    }
}

on_both_backends! {
    async fn graphcommerce_street_with_an_empty_addition_line_is_saved_as_two_lines(backend: Backend) {
        let app = spawn_app(backend).await;
        app.create_seed_customer().await;
        let token = app.seed_token().await;
        // GraphCommerce's address form sends street, house number and addition as three lines;
        // Magento trims the joined text, so an empty last line is no line.
        let create = "mutation($street: [String]) { createCustomerAddress(input: {firstname: \"Jane\", lastname: \"Doe\",
            street: $street, city: \"Albany\", postcode: \"12207\", telephone: \"5555550100\", country_code: US,
            region: {region_id: 43}}) { street } }";
        let reply = app.graphql(create, json!({"street": ["Main St", "12", ""]}), Some(&token), None).await;
        assert_eq!((reply.status, reply.body), (200, json!({"data": {"createCustomerAddress": {"street": ["Main St", "12"]}}})));
        // An empty line between two others stays, and three lines are too many.
        let reply = app.graphql(create, json!({"street": ["Main St", "", "12"]}), Some(&token), None).await;
        assert_eq!(reply.body["errors"][0]["message"], json!("\"Street Address\" cannot contain more than 2 lines."));
    }
}
