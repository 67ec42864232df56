//! Jira Service Management (`/rest/servicedeskapi`, Cloud and Data Center): service desks, their
//! request types, customers and queues; customer requests (the service project's issues) with
//! their SLAs, comments, participants and approvals; organizations. Its lists page by `start`
//! and `limit` until `isLastPage`.

mod customers;
mod organization_users;
mod organizations;
mod queue_issues;
mod queues;
mod request_approvals;
mod request_comments;
mod request_participants;
mod request_slas;
mod request_type_fields;
mod request_types;
mod requests;
mod service_desks;

use crate::catalog::{ParentLink, Product, TableDef};

/// Service Management's pages hold at most this many items (`limit`'s default).
pub(crate) const PAGE: usize = 50;

/// Lists read per service desk.
pub(crate) const SERVICE_DESK_PARENT: ParentLink = ParentLink { table: (Product::Jira, "ServiceDesks"), bind: &[("Id", "ServiceDeskId")], only: None };

/// Lists read per customer request.
pub(crate) const REQUEST_PARENT: ParentLink =
    ParentLink { table: (Product::Jira, "Requests"), bind: &[("IssueKey", "IssueKey"), ("IssueId", "IssueId")], only: None };

/// A user as Service Management shows them: Cloud's account id, or Data Center's username.
pub(crate) const USER_ID: &[&str] = &["/accountId", "/name"];

pub fn tables() -> Vec<TableDef> {
    vec![
        service_desks::table(),
        request_types::table(),
        request_type_fields::table(),
        requests::table(),
        request_slas::table(),
        request_comments::table(),
        request_participants::table(),
        request_approvals::table(),
        customers::table(),
        organizations::table(),
        organization_users::table(),
        queues::table(),
        queue_issues::table(),
    ]
}
