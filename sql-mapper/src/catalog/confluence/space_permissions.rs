//! `Confluence.SpacePermissions`: who may do what in each space, from
//! `/wiki/api/v2/spaces/{id}/permissions` (Cloud) or `/rest/api/space/{key}/permissions`
//! (Data Center, reshaped into Cloud's shape).

use serde_json::{json, Value};

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

/// A Data Center grant (`subject`, `operation.operationKey`) in Cloud's shape (`principal`,
/// `operation.key`).
fn from_data_center(grant: &Value) -> Vec<Value> {
    vec![json!({
        "principal": {"type": grant.pointer("/subject/type"), "id": grant.pointer("/subject/displayName")},
        "operation": {"key": grant.pointer("/operation/operationKey"), "targetType": grant.pointer("/operation/targetType")},
    })]
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "SpacePermissions",
        remarks: "Space permissions: one row per grant of an operation to a user, group or role.",
        columns: vec![
            c("SpaceId", BigInt, true, context("SpaceId"), "Space"),
            c("SpaceKey", Varchar(255), true, context("SpaceKey"), "Its key"),
            c("Id", BigInt, true, at("/id"), "Grant id (Cloud)"),
            c("PrincipalType", Varchar(32), true, at("/principal/type"), "user, group or role"),
            c("PrincipalId", Varchar(255), true, at("/principal/id"), "The user's account id, the group's id (Cloud) or name (Data Center), the role"),
            c("Operation", Varchar(64), true, at("/operation/key"), "What it allows: read, create, delete, administer, ..."),
            c("TargetType", Varchar(64), true, at("/operation/targetType"), "On what: space, page, blogpost, comment, attachment, ..."),
        ],
        key: &["SpaceId", "PrincipalType", "PrincipalId", "Operation", "TargetType"],
        foreign_keys: &[ForeignKey { column: "SpaceId", references: (Product::Confluence, "Spaces", "Id") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Confluence, "Spaces"), bind: &[("Id", "SpaceId"), ("Key", "SpaceKey")], only: None },
            list("/wiki/api/v2/spaces/{SpaceId}/permissions", "/results", Paging::Cursor(250)),
        )
        .on_data_center(Some(list("/rest/api/space/{SpaceKey}/permissions", "", Paging::Whole).unnest(from_data_center)))]),
        writes: None,
    }
}
