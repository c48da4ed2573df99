//! Hand-written Diesel schema using only the SQL types both backends share through
//! `MultiConnection` (no Uuid / Timestamptz / Json). Must match both migration trees;
//! `tests/api/schema.rs` checks it against a freshly migrated database of each backend.

diesel::table! {
    store_websites (website_id) {
        website_id -> Integer,
        code -> Text,
        name -> Text,
        sort_order -> Integer,
        default_group_id -> Integer,
        is_default -> Bool,
    }
}

diesel::table! {
    store_groups (group_id) {
        group_id -> Integer,
        website_id -> Integer,
        name -> Text,
        root_category_id -> Integer,
        default_store_id -> Integer,
        code -> Text,
    }
}

diesel::table! {
    stores (store_id) {
        store_id -> Integer,
        code -> Text,
        website_id -> Integer,
        group_id -> Integer,
        name -> Text,
        sort_order -> Integer,
        is_active -> Bool,
    }
}

diesel::table! {
    customer_groups (customer_group_id) {
        customer_group_id -> Integer,
        customer_group_code -> Text,
        tax_class_id -> Integer,
        customer_group_code_normalized -> Text,
    }
}

diesel::table! {
    tax_classes (class_id) {
        class_id -> Integer,
        class_name -> Text,
        class_type -> Text,
    }
}

diesel::table! {
    core_config_data (scope, scope_id, path) {
        scope -> Text,
        scope_id -> Integer,
        path -> Text,
        value -> Nullable<Text>,
    }
}

diesel::table! {
    customers (entity_id) {
        entity_id -> Integer,
        website_id -> Integer,
        email -> Text,
        email_normalized -> Text,
        group_id -> Integer,
        store_id -> Integer,
        created_in -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        is_active -> Bool,
        disable_auto_group_change -> SmallInt,
        prefix -> Nullable<Text>,
        firstname -> Text,
        middlename -> Nullable<Text>,
        lastname -> Text,
        suffix -> Nullable<Text>,
        dob -> Nullable<Date>,
        gender -> Nullable<SmallInt>,
        taxvat -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        confirmation -> Nullable<Text>,
        default_billing -> Nullable<Integer>,
        default_shipping -> Nullable<Integer>,
        is_subscribed -> Bool,
        failures_num -> Integer,
        first_failure -> Nullable<Timestamp>,
        lock_expires -> Nullable<Timestamp>,
        rp_token_hash -> Nullable<Text>,
        rp_token_created_at -> Nullable<Timestamp>,
        assistance_allowed -> Bool,
    }
}

diesel::table! {
    customer_addresses (entity_id) {
        entity_id -> Integer,
        customer_id -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        firstname -> Text,
        middlename -> Nullable<Text>,
        lastname -> Text,
        prefix -> Nullable<Text>,
        suffix -> Nullable<Text>,
        company -> Nullable<Text>,
        street -> Text,
        city -> Text,
        country_id -> Text,
        region -> Nullable<Text>,
        region_id -> Integer,
        postcode -> Nullable<Text>,
        telephone -> Nullable<Text>,
        fax -> Nullable<Text>,
        vat_id -> Nullable<Text>,
    }
}

diesel::table! {
    access_tokens (id) {
        id -> Integer,
        token_hash -> Text,
        user_type -> SmallInt,
        customer_id -> Nullable<Integer>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        admin_id -> Nullable<Integer>,
        integration_id -> Nullable<Integer>,
    }
}

diesel::table! {
    token_request_log (id) {
        id -> Integer,
        username -> Text,
        user_type -> SmallInt,
        failures_count -> Integer,
        lock_expires_at -> Timestamp,
    }
}

diesel::table! {
    password_reset_requests (id) {
        id -> Integer,
        email -> Text,
        ip -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    admin_users (id) {
        id -> Integer,
        username -> Text,
        username_normalized -> Text,
        password_hash -> Text,
        is_active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    integrations (id) {
        id -> Integer,
        name -> Text,
        resources -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    newsletter_subscribers (subscriber_id) {
        subscriber_id -> Integer,
        website_id -> Integer,
        store_id -> Integer,
        email -> Text,
        email_normalized -> Text,
        status -> Integer,
        created_at -> Timestamp,
    }
}

diesel::joinable!(customer_addresses -> customers (customer_id));
diesel::joinable!(access_tokens -> admin_users (admin_id));
diesel::joinable!(access_tokens -> integrations (integration_id));
diesel::joinable!(access_tokens -> customers (customer_id));

diesel::allow_tables_to_appear_in_same_query!(
    store_websites,
    store_groups,
    stores,
    customer_groups,
    tax_classes,
    core_config_data,
    customers,
    customer_addresses,
    access_tokens,
    token_request_log,
    password_reset_requests,
    admin_users,
    integrations,
    newsletter_subscribers,
);
