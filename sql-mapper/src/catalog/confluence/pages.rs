//! `Confluence.Pages`: from `/wiki/api/v2/pages` (Cloud) or `/rest/api/content?type=page` (Data
//! Center), or the CQL content search when filters become CQL. The body is fetched only when
//! selected.

use serde_json::{json, Value};

use crate::catalog::{
    at, context, delete, list, markup_text, post, put, query, space_key, ColumnDef, CqlSearch, Endpoint, ForeignKey, Paging, Part, Product, Pushdown, Shape,
    Source, SqlType::*, TableDef, Writes,
};

/// Confluence's largest page of content.
const PAGE: usize = 250;

const SEARCH: CqlSearch = CqlSearch {
    list: Part::list(list("/wiki/api/v2/pages?status=current", "/results", Paging::Cursor(PAGE)))
        .on_data_center(Some(list("/rest/api/content?type=page&expand=space,version,ancestors,history", "/results", Paging::Start(PAGE)).unnest(from_v1_page))),
    content_type: "page",
    cloud: Endpoint::new("/wiki/rest/api/content/search", "/results", Paging::Cursor(PAGE)).unnest(from_v1_page),
    data_center: Endpoint::new("/rest/api/content/search", "/results", Paging::Cursor(PAGE)).unnest(from_v1_page),
    expand: "space,version,ancestors,history",
    by_space: ("space-id", "spaceKey"),
};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Pages",
        remarks: "Confluence pages, current versions.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Page id").pushed(query("id")),
            c("Title", Varchar(255), true, at("/title"), "Title").pushed(query("title")).writes("/title", Shape::Plain),
            c("SpaceId", BigInt, true, at("/spaceId"), "Id of the page's space").writes("/spaceId", Shape::Text),
            c("SpaceKey", Varchar(255), true, space_key("/spaceId"), "Key of the page's space").pushed(query("space")),
            c("ParentId", BigInt, true, at("/parentId"), "Id of the parent page").writes("/parentId", Shape::Text).pushed(query("parent")),
            c("Status", Varchar(32), true, at("/status"), "current, draft, archived or trashed"),
            c("AuthorId", Varchar(128), true, at("/authorId"), "Account id of the creator").pushed(query("creator")),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "Created (UTC)").pushed(query("created")),
            c("VersionNumber", Integer, true, at("/version/number"), "Current version number"),
            c("LastModified", Timestamp, true, at("/version/createdAt"), "When the current version was made (UTC)").pushed(query("lastmodified")),
            c("LastModifierId", Varchar(128), true, at("/version/authorId"), "Account id of who made the current version"),
            c("Body", LongVarchar, true, at("/body/storage/value"), "Body in storage format (XHTML)")
                .field("body-format=storage")
                .writes("/body/value", Shape::Plain),
            c("BodyView", LongVarchar, true, at("/body/view/value"), "Body as the site renders it (HTML, macros expanded)").field("body-format=view"),
            c("BodyText", LongVarchar, true, markup_text("/body/storage/value"), "Body as plain text (markup dropped)").field("body-format=storage"),
            c("CQL", Varchar(4000), true, context("cql"), "Pseudo-column: WHERE CQL = '...' passes a raw CQL query through").pushed(Pushdown::Raw),
        ],
        key: &["Id"],
        foreign_keys: &[
            ForeignKey { column: "SpaceId", references: (Product::Confluence, "Spaces", "Id") },
            ForeignKey { column: "ParentId", references: (Product::Confluence, "Pages", "Id") },
        ],
        source: Source::CqlSearch(Box::new(SEARCH)),
        writes: Some(Writes {
            insert: Some(post("/wiki/api/v2/pages")),
            update: Some(put("/wiki/api/v2/pages/{Id}")),
            delete: Some(delete("/wiki/api/v2/pages/{Id}")),
            fixed: &[("/status", "\"current\""), ("/body/representation", "\"storage\"")],
            insert_only: &["SpaceId"],
            required: &["SpaceId", "Title"],
            versioned: Some(("VersionNumber", "/version/number")),
            returns: &[("Id", "/id"), ("VersionNumber", "/version/number"), ("CreatedAt", "/createdAt")],
            data_center: Some(super::v1_content_writes(super::to_v1_page)),
            ..Writes::default()
        }),
    }
}

/// A v1 page (Data Center's list, the CQL search) in the v2 shape the columns read, with the
/// space's key the v1 page names.
fn from_v1_page(p: &Value) -> Vec<Value> {
    let parent = p.get("ancestors").and_then(Value::as_array).and_then(|a| a.last()).and_then(|a| a.get("id")).cloned();
    vec![json!({
        "id": p.get("id"),
        "title": p.get("title"),
        "spaceId": p.pointer("/space/id").map(crate::values::scalar_text),
        "spaceKey": p.pointer("/space/key"),
        "parentId": parent,
        "status": p.get("status"),
        "authorId": p.pointer("/history/createdBy/accountId").or_else(|| p.pointer("/history/createdBy/userKey")),
        "createdAt": p.pointer("/history/createdDate"),
        "version": super::v1_version(p),
        "body": super::v1_bodies(p),
    })]
}
