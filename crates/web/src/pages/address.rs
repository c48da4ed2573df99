//! The address book: the defaults and the other addresses, the add/edit form with the
//! directory's countries and regions (a region list for countries that have one, free text
//! otherwise; the server checks the pair with the domain's rules), and deletion.

use super::error::PageError;
use super::session::Visit;
use super::session::signed_in;
use super::view::{Chrome, Form, html, redirect_with};
use super::{absorb, posted};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use customer_core::accounts::{Account, AddressRow};
use customer_core::accounts::{AddressAccess, AddressError, addresses};
use customer_core::directory::{self, Country, Region};
use customer_core::domain::address::{AddressInput, AddressRegion, RegionInput};
use customer_core::state::AppState;

type Page = Result<HttpResponse, PageError>;

/// An address as the storefront prints it (Magento's default HTML address format).
pub struct AddressView {
    pub id: i32,
    pub name: String,
    pub company: Option<String>,
    pub street: Vec<String>,
    /// `City, Region, Postcode`
    pub city_line: String,
    pub country: String,
    pub telephone: Option<String>,
}

impl AddressView {
    pub fn of(a: &AddressRow) -> Self {
        let region = AddressRegion::from_stored(a.region_id, &a.country_id, a.region.as_deref());
        let city_line = [Some(a.city.as_str()), region.name(), a.postcode.as_deref()]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            id: a.entity_id,
            name: [a.firstname.as_str(), a.lastname.as_str()].join(" "),
            company: a.company.clone().filter(|c| !c.is_empty()),
            street: a.street_lines().map(str::to_owned).collect(),
            city_line,
            country: directory::allowed_country(&a.country_id)
                .map_or_else(|| a.country_id.clone(), |c| c.name.to_owned()),
            telephone: a.telephone.clone().filter(|t| !t.is_empty()),
        }
    }

    /// The default billing and shipping addresses of an account.
    pub fn defaults(account: &Account) -> (Option<Self>, Option<Self>) {
        let find = |id: Option<i32>| {
            id.and_then(|id| account.addresses.iter().find(|a| a.entity_id == id))
                .map(Self::of)
        };
        (
            find(account.customer.default_billing),
            find(account.customer.default_shipping),
        )
    }
}

#[derive(Template)]
#[template(path = "address_book.html")]
struct BookPage {
    chrome: Chrome,
    billing: Option<AddressView>,
    shipping: Option<AddressView>,
    others: Vec<AddressView>,
}

/// The regions of one country, for the region list.
struct RegionGroup {
    country: &'static str,
    regions: Vec<&'static Region>,
}

#[derive(Template)]
#[template(path = "address_form.html")]
struct FormPage {
    chrome: Chrome,
    form: Form,
    countries: Vec<&'static Country>,
    region_groups: Vec<RegionGroup>,
    is_default_billing: bool,
    is_default_shipping: bool,
}

fn book_page(visit: &Visit, account: &Account, chrome: Chrome, status: StatusCode) -> HttpResponse {
    let (billing, shipping) = AddressView::defaults(account);
    let defaults = [
        account.customer.default_billing,
        account.customer.default_shipping,
    ];
    let others = account
        .addresses
        .iter()
        .filter(|a| !defaults.contains(&Some(a.entity_id)))
        .map(AddressView::of)
        .collect();
    html(
        visit,
        status,
        &BookPage {
            chrome,
            billing,
            shipping,
            others,
        },
    )
}

fn form_page(visit: &Visit, account: &Account, form: Form) -> HttpResponse {
    let id = form.value("id").parse::<i32>().ok();
    let title = if id.is_some() {
        "Edit Address"
    } else {
        "Add New Address"
    };
    let mut chrome = Chrome::new(visit, title);
    chrome.errors.extend(form.general.iter().cloned());
    let mut countries: Vec<&'static Country> = directory::allowed_countries().collect();
    countries.sort_by_key(|c| c.name);
    let region_groups = countries
        .iter()
        .filter(|c| directory::has_regions(c.id))
        .map(|c| RegionGroup {
            country: c.name,
            regions: directory::regions_of(c.id).collect(),
        })
        .collect();
    let status = if form.has_errors() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html(
        visit,
        status,
        &FormPage {
            chrome,
            is_default_billing: id.is_some() && account.customer.default_billing == id,
            is_default_shipping: id.is_some() && account.customer.default_shipping == id,
            form,
            countries,
            region_groups,
        },
    )
}

/// `GET /customer/address/`
pub async fn book(state: web::Data<AppState>, visit: Visit) -> Page {
    let account = signed_in(&state, &visit).await?;
    let chrome = Chrome::new(&visit, "Address Book");
    Ok(book_page(&visit, &account, chrome, StatusCode::OK))
}

/// `GET /customer/address/new/`: the form, with the customer's names.
pub async fn new(state: web::Data<AppState>, visit: Visit) -> Page {
    let account = signed_in(&state, &visit).await?;
    let c = &account.customer;
    let form = Form::new(vec![
        ("firstname".into(), c.firstname.clone()),
        ("lastname".into(), c.lastname.clone()),
        ("country_id".into(), "US".into()),
    ]);
    Ok(form_page(&visit, &account, form))
}

/// `GET /customer/address/edit/id/{id}/`: one of the customer's own addresses.
pub async fn edit(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Page {
    let account = signed_in(&state, &visit).await?;
    let id = path.parse::<i32>().map_err(|_| PageError::NotFound)?;
    let a = account
        .addresses
        .iter()
        .find(|a| a.entity_id == id)
        .ok_or(PageError::NotFound)?;
    let mut lines = a.street_lines();
    let region = AddressRegion::from_stored(a.region_id, &a.country_id, a.region.as_deref());
    let mut values = vec![
        ("id".to_owned(), id.to_string()),
        ("firstname".into(), a.firstname.clone()),
        ("lastname".into(), a.lastname.clone()),
        ("company".into(), a.company.clone().unwrap_or_default()),
        ("telephone".into(), a.telephone.clone().unwrap_or_default()),
        (
            "street_1".into(),
            lines.next().unwrap_or_default().to_owned(),
        ),
        (
            "street_2".into(),
            lines.next().unwrap_or_default().to_owned(),
        ),
        ("city".into(), a.city.clone()),
        ("country_id".into(), a.country_id.clone()),
        ("postcode".into(), a.postcode.clone().unwrap_or_default()),
    ];
    match region {
        AddressRegion::Listed(r) => values.push(("region_id".into(), r.id.to_string())),
        AddressRegion::Text(t) => values.push(("region".into(), t)),
        AddressRegion::None => {}
    }
    Ok(form_page(&visit, &account, Form::new(values)))
}

/// The address a submitted form describes: every field as sent (an emptied one clears the
/// stored value), the region from the list when one is picked, else the typed text.
fn address_input(form: &Form) -> AddressInput {
    let street: Vec<String> = [form.value("street_1"), form.value("street_2")]
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let region_id = form
        .value("region_id")
        .parse::<i64>()
        .ok()
        .filter(|&r| r > 0);
    let region = RegionInput {
        region_id,
        region: if region_id.is_some() {
            None
        } else {
            form.get("region")
        },
        region_code: None,
    };
    let text = |name: &str| Some(form.value(name).to_owned());
    AddressInput {
        firstname: text("firstname"),
        lastname: text("lastname"),
        company: text("company"),
        telephone: text("telephone"),
        street: Some(street),
        city: text("city"),
        postcode: text("postcode"),
        country_id: text("country_id"),
        region: Some(region),
        // A box left unticked leaves the default where it is (Magento shows no box for an
        // address that is already the default).
        default_billing: form.checked("default_billing").then_some(true),
        default_shipping: form.checked("default_shipping").then_some(true),
        ..AddressInput::default()
    }
}

/// `POST /customer/address/formPost/`: adds the address, or changes the one the form names.
pub async fn form_post(state: web::Data<AppState>, visit: Visit, body: web::Bytes) -> Page {
    let mut form = posted(&visit, &body)?;
    let account = signed_in(&state, &visit).await?;
    let customer_id = account.customer.entity_id;
    let given = address_input(&form);
    let result = match form.get("id") {
        None => addresses::add_own_address(&state, customer_id, given)
            .await
            .map(|_| ()),
        Some(id) => {
            let id = id.parse::<i32>().map_err(|_| PageError::NotFound)?;
            match addresses::update_own_address(&state, customer_id, id, given).await {
                Ok(_) => Ok(()),
                Err(AddressError::Refused(_)) => return Err(PageError::NotFound),
                Err(AddressError::Failed(e)) => Err(e),
            }
        }
    };
    match result {
        Ok(()) => Ok(redirect_with(
            &visit,
            &visit.url("/customer/address/"),
            vec![visit.flash_cookie("address_saved")],
        )),
        Err(e) => {
            absorb(&mut form, e, None)?;
            Ok(form_page(&visit, &account, form))
        }
    }
}

/// `POST /customer/address/delete/`: deletes one of the customer's own addresses; a default
/// one is refused with the GraphQL API's message.
pub async fn delete(state: web::Data<AppState>, visit: Visit, body: web::Bytes) -> Page {
    let form = posted(&visit, &body)?;
    let account = signed_in(&state, &visit).await?;
    let id = form
        .value("id")
        .parse::<i32>()
        .map_err(|_| PageError::NotFound)?;
    match addresses::delete_own_address(&state, account.customer.entity_id, id).await {
        Ok(()) => Ok(redirect_with(
            &visit,
            &visit.url("/customer/address/"),
            vec![visit.flash_cookie("address_deleted")],
        )),
        Err(AddressError::Failed(e)) => Err(e.into()),
        Err(AddressError::Refused(AddressAccess::IsDefault(kind))) => {
            let chrome = Chrome::new(&visit, "Address Book").with_error(format!(
                "Customer Address {id} is set as default {kind} address and can not be deleted"
            ));
            Ok(book_page(&visit, &account, chrome, StatusCode::BAD_REQUEST))
        }
        Err(AddressError::Refused(AddressAccess::Missing | AddressAccess::NotOwned)) => {
            Err(PageError::NotFound)
        }
    }
}
