#!/usr/bin/env python3
"""Writes docs/postman/customer-service.postman_collection.json and
docs/postman/local.postman_environment.json: every route of the service, in an order that
works against a fresh database (sign-up, sign-in, self-service, back office, sign-out,
deletion), each request with an example body and a test. Run after changing a route; newman
runs the result in .ci/run (scripts/postman)."""
import json
import pathlib
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "postman"


def js(*lines):
    return list(lines)


def status_test(code, *more):
    return js(
        f"pm.test('status {code}', () => pm.response.to.have.status({code}));",
        "pm.test('has a request id', () => pm.expect(pm.response.headers.get('X-Request-Id')).to.be.a('string').and.not.empty);",
        *more,
    )


def json_eq(value):
    return f"pm.test('body', () => pm.expect(pm.response.json()).to.eql({json.dumps(value)}));"


def message(text):
    return f"pm.test('message', () => pm.expect(pm.response.json().message).to.eql({json.dumps(text)}));"


def request(name, method, path=None, *, auth=None, body=None, tests=(), prerequest=(), raw_url=None, accept=None):
    url = raw_url or "{{baseUrl}}" + path
    headers = []
    if body is not None:
        headers.append({"key": "Content-Type", "value": "application/json"})
    if accept:
        headers.append({"key": "Accept", "value": accept})
    item = {
        "name": name,
        "request": {
            "method": method,
            "header": headers,
            "url": url,
        },
        "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": list(tests)}}],
    }
    if prerequest:
        item["event"].insert(0, {"listen": "prerequest", "script": {"type": "text/javascript", "exec": list(prerequest)}})
    if auth == "none" or auth is None:
        item["request"]["auth"] = {"type": "noauth"}
    else:
        item["request"]["auth"] = {"type": "bearer", "bearer": [{"key": "token", "value": "{{" + auth + "}}", "type": "string"}]}
    if body is not None:
        item["request"]["body"] = {"mode": "raw", "raw": json.dumps(body, indent=2), "options": {"raw": {"language": "json"}}}
    return item


REST = "/rest/{{storeCode}}/V1"
ADDRESS = {
    "firstname": "Jane", "lastname": "Doe", "street": ["7700 W Parmer Ln"], "city": "Austin",
    "region": {"region_id": 57}, "postcode": "78729", "telephone": "512-555-1111", "countryId": "US",
    "default_billing": True, "default_shipping": True,
}

service = [
    request("Liveness", "GET", "/healthz", tests=status_test(200, json_eq({"status": "ok"}))),
    request("Readiness", "GET", "/readyz", tests=status_test(200, json_eq({"status": "ready"}))),
    request("Home page points at /docs", "GET", "/", tests=status_test(200, "pm.test('links /docs', () => pm.expect(pm.response.text()).to.include('href=\"/docs\"'));")),
    request("Docs page", "GET", "/docs", tests=status_test(200, "pm.test('redoc', () => pm.expect(pm.response.text()).to.include('<redoc'));")),
    request("API description (YAML)", "GET", "/openapi.yaml", tests=status_test(200, "pm.test('openapi', () => pm.expect(pm.response.text()).to.include('openapi: 3'));")),
    request("API description (Magento's schema URL, JSON)", "GET", "/rest/{{storeCode}}/schema?services=customerAccountManagementV1",
            tests=status_test(200, "pm.test('openapi 3', () => pm.expect(pm.response.json().openapi).to.match(/^3\\./));")),
]

stores = [
    request("Websites", "GET", auth="adminToken", path=REST + "/store/websites", tests=status_test(200, "pm.test('main website', () => pm.expect(pm.response.json().map(w => w.code)).to.include('base'));")),
    request("Store groups", "GET", auth="adminToken", path=REST + "/store/storeGroups", tests=status_test(200, "pm.test('a list', () => pm.expect(pm.response.json()).to.be.an('array').that.is.not.empty);")),
    request("Store views", "GET", auth="adminToken", path=REST + "/store/storeViews", tests=status_test(200, "pm.test('default view', () => pm.expect(pm.response.json().map(s => s.code)).to.include('default'));")),
    request("Store configs", "GET", auth="adminToken", path=REST + "/store/storeConfigs", tests=status_test(200, "pm.test('a list', () => pm.expect(pm.response.json()).to.be.an('array').that.is.not.empty);")),
    request("Countries", "GET", REST + "/directory/countries", tests=status_test(200, "pm.test('has US', () => pm.expect(pm.response.json().map(c => c.id)).to.include('US'));")),
    request("Country", "GET", REST + "/directory/countries/US", tests=status_test(200, "pm.test('US', () => pm.expect(pm.response.json().id).to.eql('US'));")),
]

signup = [
    request("Admin sign-in (sets adminToken)", "POST", REST + "/integration/admin/token",
            body={"username": "{{adminUsername}}", "password": "{{adminPassword}}"},
            tests=status_test(200, "pm.test('a token', () => pm.expect(pm.response.json()).to.be.a('string').with.lengthOf(32));",
                              "pm.collectionVariables.set('adminToken', pm.response.json());")),
    request("E-mail available", "POST", REST + "/customers/isEmailAvailable",
            prerequest=js("pm.collectionVariables.set('customerEmail', `postman-${Date.now()}-${Math.floor(Math.random()*1e6)}@example.com`);"),
            body={"customerEmail": "{{customerEmail}}", "websiteId": 1},
            tests=status_test(200, json_eq(True))),
    request("Sign up (sets customerId, addressId)", "POST", REST + "/customers",
            body={"customer": {"email": "{{customerEmail}}", "firstname": "Jane", "lastname": "Doe", "addresses": [ADDRESS]}, "password": "{{customerPassword}}"},
            tests=status_test(200, "const c = pm.response.json();",
                              "pm.test('the customer', () => { pm.expect(c.email).to.eql(pm.collectionVariables.get('customerEmail')); pm.expect(c.addresses).to.have.lengthOf(1); });",
                              "pm.collectionVariables.set('customerId', c.id);",
                              "pm.collectionVariables.set('addressId', c.addresses[0].id);")),
    request("Sign up again: the e-mail is taken", "POST", REST + "/customers",
            body={"customer": {"email": "{{customerEmail}}", "firstname": "Jane", "lastname": "Doe"}, "password": "{{customerPassword}}"},
            tests=status_test(400, message("A customer with the same email address already exists in an associated website."))),
    request("Customer sign-in (sets customerToken)", "POST", REST + "/integration/customer/token",
            body={"username": "{{customerEmail}}", "password": "{{customerPassword}}"},
            tests=status_test(200, "pm.test('a token', () => pm.expect(pm.response.json()).to.be.a('string').with.lengthOf(32));",
                              "pm.collectionVariables.set('customerToken', pm.response.json());")),
    request("Customer sign-in with a wrong password", "POST", REST + "/integration/customer/token",
            body={"username": "{{customerEmail}}", "password": "Wrong-password1"},
            tests=status_test(401, message("The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."))),
]

me = [
    request("Me", "GET", REST + "/customers/me", auth="customerToken",
            tests=status_test(200, "pm.test('me', () => pm.expect(pm.response.json().id).to.eql(Number(pm.collectionVariables.get('customerId'))));")),
    request("Me without a token", "GET", REST + "/customers/me",
            tests=status_test(401, message('The consumer isn\'t authorized to access %resources.'))),
    request("Update me", "PUT", REST + "/customers/me", auth="customerToken",
            body={"customer": {"email": "{{customerEmail}}", "firstname": "Janet", "lastname": "Doe"}},
            tests=status_test(200, "pm.test('renamed', () => pm.expect(pm.response.json().firstname).to.eql('Janet'));")),
    request("My billing address", "GET", REST + "/customers/me/billingAddress", auth="customerToken",
            tests=status_test(200, "pm.test('the default', () => pm.expect(pm.response.json().id).to.eql(Number(pm.collectionVariables.get('addressId'))));")),
    request("My shipping address", "GET", REST + "/customers/me/shippingAddress", auth="customerToken",
            tests=status_test(200, "pm.test('the default', () => pm.expect(pm.response.json().default_shipping).to.eql(true));")),
    request("Change my password", "PUT", REST + "/customers/me/password", auth="customerToken",
            body={"currentPassword": "{{customerPassword}}", "newPassword": "{{customerNewPassword}}"},
            tests=status_test(200, json_eq(True))),
    request("Activate me (nothing to confirm)", "PUT", REST + "/customers/me/activate", auth="customerToken",
            body={"confirmationKey": "0123456789abcdef0123456789abcdef"},
            tests=status_test(400, message("The account is already active."))),
    request("Activate by e-mail (nothing to confirm)", "PUT", REST + "/customers/{{customerEmail}}/activate",
            body={"confirmationKey": "0123456789abcdef0123456789abcdef"},
            tests=status_test(400, message("The confirmation token is invalid. Verify the token and try again."))),
    request("GraphQL: the signed-in customer", "POST", "/graphql", auth="customerToken",
            body={"query": "{ customer { firstname lastname email } }"},
            tests=status_test(200, "pm.test('data', () => pm.expect(pm.response.json().data.customer.firstname).to.eql('Janet'));")),
    request("GraphQL over GET: countries", "GET", "/graphql?query=%7Bcountries%7Bid%7D%7D",
            tests=status_test(200, "pm.test('countries', () => pm.expect(pm.response.json().data.countries).to.be.an('array').that.is.not.empty);")),
]

reset = [
    request("Request a password-reset mail", "PUT", REST + "/customers/password",
            body={"email": "{{customerEmail}}", "template": "email_reset", "websiteId": 1},
            tests=status_test(200, json_eq(True))),
    request("Check a reset link (wrong key)", "GET", REST + "/customers/{{customerId}}/password/resetLinkToken/0123456789abcdef0123456789abcdef",
            tests=status_test(400, message("The password token is mismatched. Reset and try again."))),
    request("Reset the password (wrong key)", "POST", REST + "/customers/resetPassword",
            body={"email": "{{customerEmail}}", "resetToken": "0123456789abcdef0123456789abcdef", "newPassword": "An0ther-password"},
            tests=status_test(400, message("The password token is mismatched. Reset and try again."))),
]

back_office = [
    request("Customer by id", "GET", REST + "/customers/{{customerId}}", auth="adminToken",
            tests=status_test(200, "pm.test('the customer', () => pm.expect(pm.response.json().email).to.eql(pm.collectionVariables.get('customerEmail')));")),
    request("Customer by id without the admin token", "GET", REST + "/customers/{{customerId}}", auth="customerToken",
            tests=status_test(401, message("The consumer isn't authorized to access %resources."))),
    request("Save a customer", "PUT", REST + "/customers/{{customerId}}", auth="adminToken",
            body={"customer": {"email": "{{customerEmail}}", "firstname": "Janet", "lastname": "Doe-Smith"}},
            tests=status_test(200, "pm.test('saved', () => pm.expect(pm.response.json().lastname).to.eql('Doe-Smith'));")),
    request("Search customers", "GET",
            REST + "/customers/search?searchCriteria[filterGroups][0][filters][0][field]=lastname&searchCriteria[filterGroups][0][filters][0][value]=Doe-Smith&searchCriteria[pageSize]=10",
            auth="adminToken",
            tests=status_test(200, "pm.test('found', () => pm.expect(pm.response.json().total_count).to.be.at.least(1));")),
    request("Validate a customer", "PUT", REST + "/customers/validate", auth="adminToken",
            body={"customer": {"email": "jdoe@example.com", "lastname": "Doe"}},
            tests=status_test(200, json_eq({"valid": False, "messages": ['The "First Name" attribute value is empty. Set the attribute and try again.']}))),
    request("Resend the confirmation (nothing to confirm)", "POST", REST + "/customers/confirm", auth="adminToken",
            body={"email": "{{customerEmail}}", "websiteId": 1},
            tests=status_test(400, message("Confirmation isn't needed."))),
    request("Confirmation status", "GET", REST + "/customers/{{customerId}}/confirm", auth="adminToken",
            tests=status_test(200, json_eq("account_confirmation_not_required"))),
    request("Read-only?", "GET", REST + "/customers/{{customerId}}/permissions/readonly", auth="adminToken",
            tests=status_test(200, json_eq(False))),
    request("Address by id", "GET", REST + "/customers/addresses/{{addressId}}", auth="adminToken",
            tests=status_test(200, "pm.test('the address', () => pm.expect(pm.response.json().city).to.eql('Austin'));")),
    request("A customer's billing address", "GET", REST + "/customers/{{customerId}}/billingAddress", auth="adminToken",
            tests=status_test(200, "pm.test('the default', () => pm.expect(pm.response.json().default_billing).to.eql(true));")),
    request("A customer's shipping address", "GET", REST + "/customers/{{customerId}}/shippingAddress", auth="adminToken",
            tests=status_test(200, "pm.test('the default', () => pm.expect(pm.response.json().default_shipping).to.eql(true));")),
]

sign_out = [
    request("Sign out this token", "POST", REST + "/integration/customer/revoke-customer-token", auth="customerToken",
            tests=status_test(200, json_eq(True))),
    request("The revoked token is refused", "GET", REST + "/customers/me", auth="customerToken",
            tests=status_test(401)),
    request("Sign in again (new password, sets customerToken)", "POST", REST + "/integration/customer/token",
            body={"username": "{{customerEmail}}", "password": "{{customerNewPassword}}"},
            tests=status_test(200, "pm.collectionVariables.set('customerToken', pm.response.json());")),
    request("Sign out everywhere", "DELETE", REST + "/customers/me/tokens", auth="customerToken",
            tests=status_test(200, json_eq(True))),
    request("Delete an address", "DELETE", REST + "/addresses/{{addressId}}", auth="adminToken",
            tests=status_test(200, json_eq(True))),
    request("Delete the customer", "DELETE", REST + "/customers/{{customerId}}", auth="adminToken",
            tests=status_test(200, json_eq(True))),
    request("The deleted customer is gone", "GET", REST + "/customers/{{customerId}}", auth="adminToken",
            tests=status_test(404)),
    request("Metrics", "GET", "/metrics",
            tests=status_test(200, "pm.test('counts sign-ins', () => pm.expect(pm.response.text()).to.include('customer_sign_ins_total'));",
                              "pm.test('no e-mail', () => pm.expect(pm.response.text()).to.not.include(pm.collectionVariables.get('customerEmail')));")),
]

folders = [
    ("Service", service), ("Sign-up and sign-in", signup), ("Stores and directory", stores),
    ("Self-service", me), ("Password reset", reset), ("Back office", back_office),
    ("Sign-out and deletion", sign_out),
]

collection = {
    "info": {
        "_postman_id": str(uuid.UUID("6f1d1c5e-3b7e-4b8e-9d0a-7c9b5e2a1f00")),
        "name": "customer-service",
        "description": "Every route of the Magento-compatible customer service, in an order that runs against a fresh database. Select the 'customer-service local' environment (baseUrl, storeCode, adminUsername, adminPassword); the sign-in requests store customerToken and adminToken. Create the admin first: customer-service admin create --username postman-admin --password-stdin. Generated by tools/postman/make_collection.py.",
        "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    "item": [{"name": n, "item": items} for n, items in folders],
    "variable": [
        {"key": k, "value": ""} for k in ["customerEmail", "customerId", "addressId", "customerToken", "adminToken"]
    ] + [
        {"key": "customerPassword", "value": "Password1"},
        {"key": "customerNewPassword", "value": "N3w-password"},
    ],
}

environment = {
    "id": "2d6a3f0e-8f1b-4c55-a0a4-3f5e9c1b7d10",
    "name": "customer-service local",
    "values": [
        {"key": "baseUrl", "value": "http://127.0.0.1:8080", "enabled": True},
        {"key": "storeCode", "value": "default", "enabled": True},
        {"key": "adminUsername", "value": "postman-admin", "enabled": True},
        {"key": "adminPassword", "value": "postman-pass1", "enabled": True, "type": "secret"},
    ],
    "_postman_variable_scope": "environment",
}

OUT.mkdir(parents=True, exist_ok=True)
(OUT / "customer-service.postman_collection.json").write_text(json.dumps(collection, indent=2) + "\n")
(OUT / "local.postman_environment.json").write_text(json.dumps(environment, indent=2) + "\n")
count = sum(len(i) for _, i in folders)
print(f"make_collection: {count} requests in {OUT}")
