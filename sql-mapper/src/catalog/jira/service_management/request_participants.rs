//! `Jira.RequestParticipants`: who takes part in each request besides its reporter, from
//! `/rest/servicedeskapi/request/{key}/participant`. `INSERT` adds a participant.

use super::{PAGE, REQUEST_PARENT, USER_ID};
use crate::catalog::{at, context, first_of, list, post, ColumnDef, ForeignKey, Paging, Part, Product, Shape, Source, SqlType::*, TableDef, Writes};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "RequestParticipants",
        remarks: "Participants of customer requests.",
        columns: vec![
            c("IssueKey", Varchar(255), true, context("IssueKey"), "The request's issue key"),
            c("IssueId", BigInt, true, context("IssueId"), "The request's issue id"),
            // Added as a one-element list of account ids.
            c("AccountId", Varchar(128), true, first_of(USER_ID), "The participant: account id (Cloud) or username (Data Center)")
                .writes("/accountIds", Shape::List),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Their display name"),
            c("EmailAddress", Varchar(255), true, at("/emailAddress"), "Their email, where shown"),
        ],
        key: &["IssueId", "AccountId"],
        foreign_keys: &[ForeignKey { column: "IssueId", references: (Product::Jira, "Requests", "IssueId") }],
        source: Source::Lists(vec![Part::per(REQUEST_PARENT, list("/rest/servicedeskapi/request/{IssueKey}/participant", "/values", Paging::Start(PAGE)))]),
        writes: Some(Writes {
            insert: Some(post("/rest/servicedeskapi/request/{IssueKey}/participant")),
            required: &["IssueKey", "AccountId"],
            returns: &[("AccountId", "")],
            ..Writes::default()
        }),
    }
}
