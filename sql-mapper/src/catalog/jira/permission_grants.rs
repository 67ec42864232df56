//! `Jira.PermissionGrants`: every grant of every permission scheme, read in one request
//! (`/rest/api/{3|2}/permissionscheme?expand=permissions`).

use serde_json::{json, Value};

use crate::catalog::{at, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

/// A scheme as one row per grant.
fn grants(scheme: &Value) -> Vec<Value> {
    scheme
        .get("permissions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|g| {
            json!({
                "schemeId": scheme.get("id"),
                "schemeName": scheme.get("name"),
                "id": g.get("id"),
                "permission": g.get("permission"),
                "holderType": g.pointer("/holder/type"),
                "holderParameter": g.pointer("/holder/parameter"),
            })
        })
        .collect()
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "PermissionGrants",
        remarks: "Grants of each Jira permission scheme: which permission, to whom.",
        columns: vec![
            c("SchemeId", BigInt, true, at("/schemeId"), "Permission scheme"),
            c("SchemeName", Varchar(255), true, at("/schemeName"), "Its name"),
            c("Id", BigInt, true, at("/id"), "Grant id"),
            c("Permission", Varchar(255), true, at("/permission"), "The permission (BROWSE_PROJECTS, EDIT_ISSUES, ...)"),
            c("HolderType", Varchar(64), true, at("/holderType"), "Who holds it: group, projectRole, user, reporter, projectLead, anyone, ..."),
            c("HolderParameter", Varchar(255), true, at("/holderParameter"), "Which one: the group, role id or account id, where the type names one"),
        ],
        key: &["SchemeId", "Id"],
        foreign_keys: &[ForeignKey { column: "SchemeId", references: (Product::Jira, "PermissionSchemes", "Id") }],
        source: Source::Lists(vec![Part::list(
            list("/rest/api/{api}/permissionscheme?expand=permissions", "/permissionSchemes", Paging::Whole).unnest(grants),
        )]),
        writes: None,
    }
}
