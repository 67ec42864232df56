//! `Jira.ProjectRoles`: the roles of each project, from `/rest/api/{3|2}/project/{key}/role`
//! (a map of role name to the role's URL, whose last part is its id).

use serde_json::{json, Value};

use super::PROJECT_PARENT;
use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

/// The map as one row per role.
fn roles(map: &Value) -> Vec<Value> {
    map.as_object().into_iter().flatten().map(|(name, url)| json!({"name": name, "id": url.as_str().and_then(|u| u.rsplit('/').next()), "url": url})).collect()
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "ProjectRoles",
        remarks: "Roles of each Jira project (their members: Jira.ProjectRoleActors).",
        columns: vec![
            c("ProjectKey", Varchar(255), true, context("ProjectKey"), "Project key"),
            c("ProjectId", BigInt, true, context("ProjectId"), "Project id"),
            c("RoleId", BigInt, true, at("/id"), "Role id"),
            c("RoleName", Varchar(255), true, at("/name"), "Role name"),
        ],
        key: &["ProjectKey", "RoleId"],
        foreign_keys: &[ForeignKey { column: "ProjectKey", references: (Product::Jira, "Projects", "Key") }],
        source: Source::Lists(vec![Part::per(PROJECT_PARENT, list("/rest/api/{api}/project/{ProjectKey}/role", "", Paging::Whole).unnest(roles))]),
        writes: None,
    }
}
