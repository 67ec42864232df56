//! The table catalog: every table the driver offers, one file per table, each declaring its
//! columns (SQL type, nullability, remarks), its key, where its rows come from, and which columns
//! push down how. `SQLTables`/`SQLColumns` and the README's table list are generated from here.

pub mod confluence;
pub mod docs;
pub mod jira;

use std::fmt;

/// The two schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Product {
    Confluence,
    Jira,
}

impl Product {
    pub fn schema_name(self) -> &'static str {
        match self {
            Product::Confluence => "Confluence",
            Product::Jira => "Jira",
        }
    }
}

/// Cloud or Data Center: which REST APIs a table uses, invisible to SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Cloud,
    DataCenter,
}

impl Flavor {
    /// The Jira platform REST API version the driver uses: 3 on Cloud (ADF text), 2 on Data Center.
    /// The one of a pair (Cloud's, Data Center's) this flavor uses.
    pub fn pick<T>(self, cloud: T, data_center: T) -> T {
        match self {
            Flavor::Cloud => cloud,
            Flavor::DataCenter => data_center,
        }
    }

    pub fn jira_api(self) -> &'static str {
        match self {
            Flavor::Cloud => "3",
            Flavor::DataCenter => "2",
        }
    }
}

/// A column's SQL type as ODBC reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    /// Text up to this many characters.
    Varchar(u32),
    /// Long text without a documented bound (Confluence bodies): reported with a size of
    /// about a gigabyte; values of any length arrive through `SQLGetData` in parts.
    LongVarchar,
    /// Long text of at most this many characters, as Atlassian documents the field's limit
    /// (Jira's text fields: [`jira::TEXT_LIMIT`]); reported as LONGVARCHAR of that size, which
    /// columnar clients (arrow-odbc, odbc2parquet) can size their buffers by.
    LongText(u32),
    BigInt,
    Integer,
    Double,
    Bit,
    Date,
    /// UTC timestamps with millisecond precision.
    Timestamp,
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Varchar(n) => write!(f, "VARCHAR({n})"),
            SqlType::LongVarchar => f.write_str("LONGVARCHAR"),
            SqlType::LongText(n) => write!(f, "LONGVARCHAR({n})"),
            SqlType::BigInt => f.write_str("BIGINT"),
            SqlType::Integer => f.write_str("INTEGER"),
            SqlType::Double => f.write_str("DOUBLE"),
            SqlType::Bit => f.write_str("BIT"),
            SqlType::Date => f.write_str("DATE"),
            SqlType::Timestamp => f.write_str("TIMESTAMP"),
        }
    }
}

/// Text in a declaration: static in the table files, owned for columns made at run time
/// (Jira custom fields).
pub type Text = std::borrow::Cow<'static, str>;

/// How a filter on a column reaches the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushdown {
    /// Never pushed: DataFusion filters the rows.
    None,
    /// Pushed into the query language under this field name (JQL or CQL clause name), its
    /// values compared as this kind says.
    Query(Text, QueryValue),
    /// Pushed as a REST query parameter with this name that takes one value (equality). The
    /// server may refuse a value it cannot look up (an unknown user): the scan then asks
    /// without it and the engine filters.
    Param(Text),
    /// As `Param`, for a parameter that takes a list (repeated): equality, `IN`, `OR`.
    Params(Text),
    /// A case-insensitive substring parameter (`LIKE '%text%'`, `ILIKE`, `=`).
    Contains(Text),
    /// A timestamp range as two parameters, `[from, to)` (`>`, `>=`, `<`, `<=`, `=`, `BETWEEN`).
    Range(Text, Text),
    /// A pseudo-column whose value is a whole query in the table's language (JQL, CQL),
    /// ANDed with the rest: `WHERE JQL = 'sprint in openSprints()'`.
    Raw,
}

/// How the query language compares a text column's values (numbers, dates and timestamps go by
/// their SQL type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryValue {
    /// Names, which Jira and Confluence compare ignoring case.
    Name,
    /// Issue keys: `ENG-1` and `eng-1` are the same key.
    Key,
    /// Account ids: exact.
    Account,
}

/// Where a column's value sits in one JSON item of the REST response (JSON pointers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extract {
    /// The value at this pointer, converted to the column's SQL type.
    At(Text),
    /// An Atlassian Document Format document at this pointer, as plain text.
    AdfText(Text),
    /// Confluence XHTML (storage format, rendered view) at this pointer, as plain text.
    MarkupText(Text),
    /// The JSON at this pointer, as text (raw ADF, storage JSON, option objects).
    JsonText(Text),
    /// An array at the first pointer; from each element the value at the second; joined with ",".
    Join(Text, Text),
    /// A value the scan knows from context (the parent row it fetched this list for).
    Context(Text),
    /// The first of these pointers that holds a value.
    FirstOf(&'static [&'static str]),
    /// The value at the first pointer when the second holds this value (as text): an issue's
    /// parent's key when the parent is an epic.
    AtWhen(&'static str, &'static str, &'static str),
    /// The value at the pointer, else this context value (a list of the caller's own items
    /// names no owner: the parent row it was read for does).
    AtOrContext(Text, Text),
    /// The key of the Confluence space whose id is at this pointer: the item's own `spaceKey`
    /// where its list gives it (v1 content), else looked up in the site's space directory (read
    /// once per scan, and only when the column is selected).
    SpaceKey(Text),
}

/// Short constructors for the table files.
pub const fn list(path: &'static str, items: &'static str, paging: Paging) -> Endpoint {
    Endpoint::new(path, items, paging)
}
pub fn at(p: &'static str) -> Extract {
    Extract::At(Text::Borrowed(p))
}
pub fn adf_text(p: &'static str) -> Extract {
    Extract::AdfText(Text::Borrowed(p))
}
pub fn markup_text(p: &'static str) -> Extract {
    Extract::MarkupText(Text::Borrowed(p))
}
pub fn json_text(p: &'static str) -> Extract {
    Extract::JsonText(Text::Borrowed(p))
}
pub fn join(p: &'static str, each: &'static str) -> Extract {
    Extract::Join(Text::Borrowed(p), Text::Borrowed(each))
}
pub fn first_of(pointers: &'static [&'static str]) -> Extract {
    Extract::FirstOf(pointers)
}
pub fn at_or_context(p: &'static str, k: &'static str) -> Extract {
    Extract::AtOrContext(Text::Borrowed(p), Text::Borrowed(k))
}
pub fn space_key(id: &'static str) -> Extract {
    Extract::SpaceKey(Text::Borrowed(id))
}
pub fn context(k: &'static str) -> Extract {
    Extract::Context(Text::Borrowed(k))
}
pub fn query(clause: &'static str) -> Pushdown {
    Pushdown::Query(Text::Borrowed(clause), QueryValue::Name)
}
/// A query-language field of issue keys.
pub fn query_key(clause: &'static str) -> Pushdown {
    Pushdown::Query(Text::Borrowed(clause), QueryValue::Key)
}
/// A query-language field of account ids.
pub fn query_account(clause: &'static str) -> Pushdown {
    Pushdown::Query(Text::Borrowed(clause), QueryValue::Account)
}
pub fn param(name: &'static str) -> Pushdown {
    Pushdown::Param(Text::Borrowed(name))
}
pub fn params(name: &'static str) -> Pushdown {
    Pushdown::Params(Text::Borrowed(name))
}
pub fn contains(name: &'static str) -> Pushdown {
    Pushdown::Contains(Text::Borrowed(name))
}
pub fn range(from: &'static str, to: &'static str) -> Pushdown {
    Pushdown::Range(Text::Borrowed(from), Text::Borrowed(to))
}

#[derive(Debug, Clone)]
pub struct ColumnDef {
    pub name: String,
    pub sql_type: SqlType,
    pub nullable: bool,
    pub remarks: String,
    pub pushdown: Pushdown,
    pub extract: Extract,
    /// The API field that must be requested for this column (Jira `fields=`, Confluence `expand=`/`body-format`).
    pub api_field: Option<String>,
    /// Where `INSERT`/`UPDATE` put this column's value in the request body, and in what shape.
    pub write: Option<(Text, Shape)>,
}

/// The JSON shape a column's value takes in a write request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The value as it is (text, number, boolean; dates and timestamps as ISO text).
    Plain,
    /// The value as JSON text (Confluence v2 ids are strings).
    Text,
    /// Text as an Atlassian Document Format document (Jira Cloud); plain text on Data Center.
    Adf,
    /// `{"<key>": value}`: a reference by name, key, account id...
    Ref(&'static str),
    /// Comma-separated text as an array of strings.
    List,
    /// Comma-separated text as an array of references `[{"<key>": item}, ...]`.
    RefList(&'static str),
}

impl ColumnDef {
    pub fn new(name: &str, sql_type: SqlType, nullable: bool, extract: Extract, remarks: &str) -> ColumnDef {
        ColumnDef { name: name.to_string(), sql_type, nullable, remarks: remarks.to_string(), pushdown: Pushdown::None, extract, api_field: None, write: None }
    }
    /// Writable: `INSERT`/`UPDATE` put the value at this JSON pointer of the request body.
    pub fn writes(mut self, pointer: &'static str, shape: Shape) -> ColumnDef {
        self.write = Some((Text::Borrowed(pointer), shape));
        self
    }
    /// As [`ColumnDef::writes`], for columns made at run time.
    pub fn written(mut self, pointer: &Text, shape: Shape) -> ColumnDef {
        self.write = Some((pointer.clone(), shape));
        self
    }
    pub fn pushed(mut self, p: Pushdown) -> ColumnDef {
        self.pushdown = p;
        self
    }
    pub fn field(mut self, f: &str) -> ColumnDef {
        self.api_field = Some(f.to_string());
        self
    }
}

/// A foreign key from this table's column to another table's key column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    pub column: &'static str,
    pub references: (Product, &'static str, &'static str),
}

/// How a list endpoint pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// One response holds every item.
    Whole,
    /// Jira's `startAt` + `maxResults` (at most this many), until `isLast`, `total` or an empty page.
    StartAt(usize),
    /// Confluence v2's `limit` (at most this many) and the `_links.next` cursor URL.
    Cursor(usize),
    /// `start` + `limit`: Confluence v1 while `_links.next` is present, Service Management until `isLastPage`.
    Start(usize),
    /// No request: the items are the JSON array the parent row brought in this context value.
    Context(&'static str),
    /// The Admin APIs' `pageSize` (at most this many) and `cursor`: the `links.next` of the
    /// page before, sent with the same filters.
    Links(usize),
    /// `page` (from 0) and `limit` (at most this many), until a page comes back short (the
    /// API Token Authentication app's searches; in the body of a POST search, PAT searches).
    Pages(usize),
    /// `offset` and `limit` (at most this many), until a page comes back short or the `total`
    /// is reached (Jira Cloud's audit records).
    Offset(usize),
    /// Jira Cloud's enhanced search: a POST whose body carries `maxResults` (at most this many)
    /// and the `nextPageToken` of the page before, until `isLast` or no token.
    Token(usize),
}

impl Paging {
    /// The most items a page of this list holds (unbounded for a list read whole).
    pub fn page_max(self) -> usize {
        match self {
            Paging::StartAt(m) | Paging::Cursor(m) | Paging::Start(m) | Paging::Links(m) | Paging::Pages(m) | Paging::Token(m) | Paging::Offset(m) => m,
            Paging::Whole | Paging::Context(_) => usize::MAX,
        }
    }
}

/// One REST list. `path` may hold `{api}` (3 on Cloud, 2 on Data Center for Jira) and
/// `{Name}` placeholders filled, URL-encoded, from the parent row's context values.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub path: &'static str,
    /// JSON pointer to the items' array in a response ("" when the response is the array).
    pub items: &'static str,
    pub paging: Paging,
    /// Turns one item of this endpoint into the rows the columns read: Data Center's v1 items
    /// into the Cloud shape, or an entry holding several rows (a history entry's fields).
    pub rows: Option<fn(&serde_json::Value) -> Vec<serde_json::Value>>,
    /// The query parameters this endpoint filters by (columns' `Param`/`Contains`/`Range`
    /// pushdowns reach only endpoints that accept them).
    pub filters: &'static [&'static str],
    /// A resource some sites lack (a Marketplace app's, PATs on older servers): a 404 for the
    /// list means "not supported by this site": the part reads as empty while another part of
    /// the table answers, and the table is refused (HYC00) when none does, never empty.
    pub optional: bool,
    /// Parameters a pushed one brings along: (pushed parameter, `name=value` sent with it), as
    /// the Admin APIs' `createdAtSearchType=range` goes with `createdAtFrom`.
    pub implied: &'static [(&'static str, &'static str)],
    /// Parameters this endpoint takes under its own name: (the column's pushed parameter, the
    /// name sent here). A pushed parameter reaches the endpoints that take it, by either name.
    pub renamed: &'static [(&'static str, &'static str)],
    /// Instants go as epoch milliseconds (else RFC 3339 text).
    pub epoch_millis: bool,
    /// The parameter naming the Jira fields the projected columns need (`fields=`), for lists
    /// of issues that take one.
    pub fields: Option<&'static str>,
    /// A parent row this list does not apply to is refused with this status (a board without
    /// sprints answers 400): the row has no items, and the scan goes on.
    pub none_when: Option<u16>,
}

impl Endpoint {
    pub const fn new(path: &'static str, items: &'static str, paging: Paging) -> Endpoint {
        Endpoint {
            path,
            items,
            paging,
            rows: None,
            filters: &[],
            optional: false,
            implied: &[],
            renamed: &[],
            epoch_millis: false,
            fields: None,
            none_when: None,
        }
    }
    pub const fn fields_in(mut self, param: &'static str) -> Endpoint {
        self.fields = Some(param);
        self
    }
    pub const fn none_when(mut self, status: u16) -> Endpoint {
        self.none_when = Some(status);
        self
    }
    pub const fn renaming(mut self, renamed: &'static [(&'static str, &'static str)]) -> Endpoint {
        self.renamed = renamed;
        self
    }
    pub const fn in_epoch_millis(mut self) -> Endpoint {
        self.epoch_millis = true;
        self
    }
    /// The name this endpoint takes a pushed parameter by, if it takes it.
    pub fn sends(&self, pushed: &str) -> Option<&'static str> {
        if let Some((_, sent)) = self.renamed.iter().find(|(p, _)| *p == pushed) {
            return Some(sent);
        }
        self.filters.iter().find(|f| **f == pushed).copied()
    }
    pub const fn implying(mut self, implied: &'static [(&'static str, &'static str)]) -> Endpoint {
        self.implied = implied;
        self
    }
    pub const fn filtered_by(mut self, params: &'static [&'static str]) -> Endpoint {
        self.filters = params;
        self
    }
    pub const fn optional(mut self) -> Endpoint {
        self.optional = true;
        self
    }
    pub const fn unnest(mut self, rows: fn(&serde_json::Value) -> Vec<serde_json::Value>) -> Endpoint {
        self.rows = Some(rows);
        self
    }
}

/// The parent table a list is read per row of: its columns bound to context names (which are
/// the child's columns and the path's placeholders). Filters on the bound child columns are
/// pushed into the parent's scan.
#[derive(Debug, Clone, Copy)]
pub struct ParentLink {
    pub table: (Product, &'static str),
    /// (parent column, context name)
    pub bind: &'static [(&'static str, &'static str)],
    /// Only parent rows whose column has one of these text values (sprints exist on scrum
    /// boards and some team-managed ones only).
    pub only: Option<(&'static str, &'static [&'static str])>,
}

/// One part of a table's rows: a list, once or per parent row, per flavor (`None`: the flavor
/// has no such list, and reading it is refused with HYC00).
#[derive(Debug, Clone, Copy)]
pub struct Part {
    pub parent: Option<ParentLink>,
    pub cloud: Option<Endpoint>,
    pub data_center: Option<Endpoint>,
    /// Context values every row of this part carries (which list it came from).
    pub constants: &'static [(&'static str, &'static str)],
    /// Where a user of the flavor without this list finds it on the site instead (its refusal,
    /// `HYC00`, says so).
    pub by_hand: Option<&'static str>,
}

impl Part {
    /// A list read once, the same on both flavors.
    pub const fn list(e: Endpoint) -> Part {
        Part { parent: None, cloud: Some(e), data_center: Some(e), constants: &[], by_hand: None }
    }
    pub const fn per(parent: ParentLink, e: Endpoint) -> Part {
        Part { parent: Some(parent), cloud: Some(e), data_center: Some(e), constants: &[], by_hand: None }
    }
    pub const fn cloud_only(mut self) -> Part {
        self.data_center = None;
        self
    }
    pub const fn on_data_center(mut self, e: Option<Endpoint>) -> Part {
        self.data_center = e;
        self
    }
    /// Where the flavor without this list shows it on the site.
    pub const fn by_hand(mut self, place: &'static str) -> Part {
        self.by_hand = Some(place);
        self
    }
    pub const fn with(mut self, constants: &'static [(&'static str, &'static str)]) -> Part {
        self.constants = constants;
        self
    }
    /// The list this flavor reads, if it has one.
    pub fn on(&self, flavor: Flavor) -> Option<Endpoint> {
        flavor.pick(self.cloud, self.data_center)
    }
}

/// Where a table's rows come from: one kind per way Atlassian lists things. Each kind's reading
/// (its requests, cursor, reshaping per flavor, `EXPLAIN` text and how a large scan splits) is
/// its own file in `scan/`.
#[derive(Debug, Clone)]
pub enum Source {
    /// Jira's issue search: filters become JQL.
    JqlSearch(Box<JqlSearch>),
    /// Confluence content of one type: its list, or the CQL content search when filters become CQL.
    CqlSearch(Box<CqlSearch>),
    /// REST lists read one after the other, each once or per row of a parent table.
    Lists(Vec<Part>),
    /// An HTML page of the site's with no REST form (on Cloud, where no page or API lists it,
    /// what the driver itself holds).
    HtmlPage(HtmlPage),
}

/// Jira's issue search.
#[derive(Debug, Clone, Copy)]
pub struct JqlSearch {
    /// Cloud's enhanced search (a POST paged by `nextPageToken`).
    pub cloud: Endpoint,
    /// Cloud's count of a query's matches (sizes a split scan).
    pub cloud_count: &'static str,
    /// Data Center's search (a GET paged by `startAt`, with the `total`).
    pub data_center: Endpoint,
    /// The largest page when only these fields are asked for (Jira serves more issues a page
    /// then), and the fields it is for.
    pub keys_page: (usize, &'static [&'static str]),
    /// Fields every search asks for, whatever the projection (what `rows` reads).
    pub fields: &'static [&'static str],
    /// Each issue's history of these fields, read in bulk with the issues: Cloud's bulk
    /// changelog (`issueIdsOrKeys`, `fieldIds`), Data Center's search expanded with the changelog.
    /// The issue then holds it as `changelog.histories`, as Data Center's does.
    pub changelog: Option<BulkChangelog>,
    /// Turns one issue into the rows the columns read (its status intervals).
    pub rows: Option<fn(&serde_json::Value) -> Vec<serde_json::Value>>,
}

/// Cloud's bulk changelog read, for a page of issues at a time.
#[derive(Debug, Clone, Copy)]
pub struct BulkChangelog {
    /// The bulk fetch (a POST paged by `nextPageToken`).
    pub cloud: Endpoint,
    /// At most this many issues a request.
    pub issues_per_request: usize,
    /// The fields whose changes are read (Cloud's `fieldIds`; Data Center reads the whole
    /// history and `rows` keeps these).
    pub field_ids: &'static [&'static str],
}

/// Confluence content of one type.
#[derive(Debug, Clone, Copy)]
pub struct CqlSearch {
    /// The content's list, read when no filter becomes CQL.
    pub list: Part,
    /// `type = ...` in the CQL.
    pub content_type: &'static str,
    /// The CQL content search on each flavor (v1 content, paged by `_links.next`).
    pub cloud: Endpoint,
    pub data_center: Endpoint,
    /// The search's `expand`.
    pub expand: &'static str,
    /// The list parameter that reads one space's (Cloud: a list of space ids; Data Center: a
    /// space key): a large scan reads groups of spaces at once.
    pub by_space: (&'static str, &'static str),
}

/// An HTML page (the user's "View OAuth Access Tokens" page).
#[derive(Debug, Clone, Copy)]
pub struct HtmlPage {
    /// The page on a Data Center server.
    pub data_center: &'static str,
    /// What Cloud rows are, where Cloud shows no such page to read.
    pub cloud: &'static str,
}

impl Source {
    /// The lists a flavor reads rows from, once or per parent row.
    pub fn parts(&self) -> &[Part] {
        match self {
            Source::Lists(parts) => parts,
            Source::CqlSearch(s) => std::slice::from_ref(&s.list),
            Source::JqlSearch(_) | Source::HtmlPage(_) => &[],
        }
    }

    pub fn parents(&self) -> Vec<(Product, &'static str)> {
        self.parts().iter().filter_map(|p| p.parent.map(|l| l.table)).collect()
    }

    /// The REST resources (or page) of each flavor: (Cloud, Data Center), for the documentation.
    pub fn resources(&self) -> (Vec<String>, Vec<String>) {
        let path = |e: &Endpoint, api: &str| e.path.replace("{api}", api);
        match self {
            Source::JqlSearch(s) => (vec![path(&s.cloud, "3")], vec![path(&s.data_center, "2")]),
            Source::CqlSearch(s) => {
                let (mut c, mut d) = Source::Lists(vec![s.list]).resources();
                c.push(format!("{} (CQL)", s.cloud.path));
                d.push(format!("{} (CQL)", s.data_center.path));
                (c, d)
            }
            Source::HtmlPage(p) => (vec![p.cloud.to_string()], vec![format!("{} (HTML)", p.data_center)]),
            Source::Lists(parts) => {
                let mut c: Vec<String> = parts.iter().filter_map(|p| p.cloud).map(|e| path(&e, "3")).collect();
                let mut d: Vec<String> = parts.iter().filter_map(|p| p.data_center).map(|e| path(&e, "2")).collect();
                c.dedup();
                d.dedup();
                (c, d)
            }
        }
    }
}

/// One write request: method and path; `{Column}` placeholders take the row's values.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub method: &'static str,
    pub path: &'static str,
}

pub const fn post(path: &'static str) -> Request {
    Request { method: "POST", path }
}
pub const fn put(path: &'static str) -> Request {
    Request { method: "PUT", path }
}
pub const fn delete(path: &'static str) -> Request {
    Request { method: "DELETE", path }
}

impl Request {
    /// The HTTP method: a delete is not always a `DELETE` (Data Center removes a version with a
    /// `POST` to `removeAndSwap`).
    pub fn http_method(&self) -> reqwest::Method {
        reqwest::Method::from_bytes(self.method.as_bytes()).expect("request methods are HTTP method names")
    }
}

/// How `INSERT`, `UPDATE` and `DELETE` on a table become REST requests.
#[derive(Debug, Clone, Copy, Default)]
pub struct Writes {
    pub insert: Option<Request>,
    pub update: Option<Request>,
    pub delete: Option<Request>,
    /// Values every insert and update body carries: (JSON pointer, JSON text).
    pub fixed: &'static [(&'static str, &'static str)],
    /// Columns that can be given on insert only (a Jira issue's project and type).
    pub insert_only: &'static [&'static str],
    /// Columns an insert must give.
    pub required: &'static [&'static str],
    /// Updates replace the whole object (Confluence): the body carries every writable column,
    /// and this version column's value plus one at this pointer.
    pub versioned: Option<(&'static str, &'static str)>,
    /// Updates replace the whole object, without a version (a Jira remote link's PUT): the body
    /// carries every writable column's current value besides the ones set.
    pub whole: bool,
    /// The insert body is a one-element array (Confluence v1 labels).
    pub array_body: bool,
    /// Columns read back from the create response (for `RETURNING`): (column, JSON pointer).
    pub returns: &'static [(&'static str, &'static str)],
    /// `UPDATE Issues SET Status = ...` goes through the issue's workflow transitions.
    pub status_by_transition: bool,
    /// Data Center's own requests where its API differs (Confluence v1 content); `None` means
    /// the same requests, v1 paths taken without Cloud's `/wiki` prefix.
    pub data_center: Option<DataCenterWrites>,
    /// Rows that came from different lists are deleted through their own resource: the row's
    /// value in this column picks the request (others take the flavor's `delete`).
    pub delete_by: Option<(&'static str, &'static [(&'static str, Request)])>,
}

/// A [`DataCenterWrites`] body sent as Cloud's would be.
pub(crate) fn unchanged(v: serde_json::Value) -> serde_json::Value {
    v
}

/// A [`DataCenterWrites`] answer read as it is.
pub(crate) fn as_answered(v: &serde_json::Value) -> Vec<serde_json::Value> {
    vec![v.clone()]
}

/// The user's "View OAuth Access Tokens" page on a Data Center server (no REST form exists).
pub const ACCESS_TOKENS_PAGE: &str = "/plugins/servlet/oauth/users/access-tokens";

/// Writes on Data Center where its API differs from Cloud's: its requests, the body built for
/// Cloud reshaped for it, and its answer read in Cloud's shape (so `returns` holds for both).
#[derive(Debug, Clone, Copy)]
pub struct DataCenterWrites {
    pub insert: Option<Request>,
    pub update: Option<Request>,
    pub delete: Option<Request>,
    pub body: fn(serde_json::Value) -> serde_json::Value,
    pub answer: fn(&serde_json::Value) -> Vec<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub product: Product,
    pub name: &'static str,
    pub remarks: &'static str,
    pub columns: Vec<ColumnDef>,
    pub key: &'static [&'static str],
    pub foreign_keys: &'static [ForeignKey],
    pub source: Source,
    /// `None`: read-only.
    pub writes: Option<Writes>,
}

impl TableDef {
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.product.schema_name(), self.name)
    }
}

/// Every table, in schema and name order.
#[derive(Debug, Clone)]
pub struct Catalog {
    tables: Vec<TableDef>,
}

impl Catalog {
    /// The static catalog. Jira custom fields are added per connection by [`Catalog::extend_table`].
    pub fn standard() -> Catalog {
        let mut tables = confluence::tables();
        tables.extend(jira::tables());
        tables.sort_by(|a, b| (a.product, a.name).cmp(&(b.product, b.name)));
        Catalog { tables }
    }

    /// Adds columns made at run time (Jira custom fields). A name already taken, ignoring case,
    /// gets the field's id appended so every column stays reachable.
    pub fn extend_table(&mut self, product: Product, name: &str, columns: Vec<ColumnDef>) {
        let Some(t) = self.tables.iter_mut().find(|t| t.product == product && t.name == name) else { return };
        for mut c in columns {
            if t.columns.iter().any(|x| x.name.eq_ignore_ascii_case(&c.name)) {
                let id = c.api_field.clone().unwrap_or_default();
                c.name = format!("{} ({id})", c.name);
            }
            t.columns.push(c);
        }
    }

    /// A copy with only the tables `keep` keeps.
    pub fn retained(&self, keep: impl Fn(&TableDef) -> bool) -> Catalog {
        Catalog { tables: self.tables.iter().filter(|t| keep(t)).cloned().collect() }
    }

    pub fn tables(&self) -> &[TableDef] {
        &self.tables
    }

    pub fn table(&self, product: Product, name: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.product == product && t.name.eq_ignore_ascii_case(name))
    }

    /// Resolves `[schema.]name` case-insensitively; an unqualified name must be unique.
    pub fn resolve(&self, schema: Option<&str>, name: &str) -> Result<&TableDef, crate::MapperError> {
        let matches: Vec<&TableDef> = self
            .tables
            .iter()
            .filter(|t| t.name.eq_ignore_ascii_case(name))
            .filter(|t| schema.is_none_or(|s| t.product.schema_name().eq_ignore_ascii_case(s)))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            [] => {
                let shown = match schema {
                    Some(s) => format!("{s}.{name}"),
                    None => name.to_string(),
                };
                let hint = self.closest(name).map(|t| format!(" Did you mean {}?", t.qualified_name())).unwrap_or_default();
                Err(crate::MapperError::new(crate::SqlState::TableNotFound, format!("Table '{shown}' does not exist.{hint}")))
            }
            many => Err(crate::MapperError::new(
                crate::SqlState::SyntaxOrAccess,
                format!("Table name '{name}' is ambiguous: qualify it as {}.", many.iter().map(|t| t.qualified_name()).collect::<Vec<_>>().join(" or ")),
            )),
        }
    }

    /// The table whose name is nearest to `name` (edit distance), for "did you mean" hints.
    pub fn closest(&self, name: &str) -> Option<&TableDef> {
        let lower = name.to_lowercase();
        self.tables
            .iter()
            .map(|t| (edit_distance(&lower, &t.name.to_lowercase()), t))
            .filter(|(d, t)| *d <= (t.name.len() / 2).max(2))
            .min_by_key(|(d, _)| *d)
            .map(|(_, t)| t)
    }
}

/// Levenshtein distance: small inputs only (identifiers).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_case_insensitively_and_suggests() {
        let c = Catalog::standard();
        assert_eq!(c.resolve(Some("jira"), "issues").unwrap().name, "Issues");
        assert_eq!(c.resolve(None, "PAGES").unwrap().product, Product::Confluence);
        // Both schemas have Comments: the unqualified name is ambiguous, a qualified one is not.
        let err = c.resolve(None, "Comments").unwrap_err();
        assert!(err.message.contains("ambiguous"), "{}", err.message);
        assert!(err.message.contains("Confluence.Comments") && err.message.contains("Jira.Comments"), "{}", err.message);
        assert_eq!(c.resolve(Some("confluence"), "comments").unwrap().product, Product::Confluence);
        assert_eq!(c.resolve(Some("JIRA"), "comments").unwrap().product, Product::Jira);
        let err = c.resolve(Some("Jira"), "Isues").unwrap_err();
        assert_eq!(err.state, crate::SqlState::TableNotFound);
        assert!(err.message.contains("Did you mean Jira.Issues?"), "{}", err.message);
    }

    /// A column is NOT NULL only where Atlassian's descriptions mark its field required in every
    /// answer it is read from, on both flavors; the Data Center descriptions (Jira 10.3,
    /// Confluence 10.0) mark none, and a site may leave any field out (their own examples do),
    /// so every column is nullable, as `SQLDescribeCol` and `SQLColumns` both say.
    #[test]
    fn no_column_claims_a_value_the_site_may_leave_out() {
        for t in Catalog::standard().tables() {
            for c in &t.columns {
                assert!(c.nullable, "{}.{} is declared NOT NULL", t.qualified_name(), c.name);
            }
        }
    }

    #[test]
    fn every_table_has_a_key_of_its_own_columns() {
        for t in Catalog::standard().tables() {
            assert!(!t.key.is_empty(), "{} has a key", t.qualified_name());
            for k in t.key {
                assert!(t.column(k).is_some(), "{}: key column {k} exists", t.qualified_name());
            }
            for fk in t.foreign_keys {
                assert!(t.column(fk.column).is_some());
            }
            let mut names: Vec<String> = t.columns.iter().map(|c| c.name.to_lowercase()).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), t.columns.len(), "{}: column names unique ignoring case", t.qualified_name());
        }
    }
}
