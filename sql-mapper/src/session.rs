//! A mapper session: one per ODBC connection. Holds the DataFusion context with both schemas
//! registered, the catalog (with this site's Jira custom fields), and the REST client.

use std::sync::Arc;

use atlassian_oauth::Authenticator;
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::catalog::{MemorySchemaProvider, SchemaProvider};
use datafusion::common::ScalarValue;
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion::sql::parser::{DFParser, Statement as DfStatement};
use datafusion::sql::sqlparser::ast::{Query, SetExpr, Statement};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use serde_json::Value;

use crate::catalog::{jira::custom_field_column, Catalog, Product};
use crate::identifiers::IdentifierResolver;
use crate::replica::ReplicaOptions;
use crate::rest::{AtlassianClient, Flavor, SiteConfig};
use crate::scan::AtlassianTable;
use crate::{MapperError, SqlState};

pub struct ConnectOptions {
    pub site: SiteConfig,
    /// `Pushdown=false` sends no filters to the server (for comparison and troubleshooting).
    pub pushdown: bool,
    /// How long connections of this process reuse the Jira field list another one fetched
    /// (`MetadataCacheSeconds`); zero fetches it at every connect.
    pub metadata_cache: std::time::Duration,
    /// `MaxConcurrency`: requests in flight at once, and so streams of a split scan.
    pub max_concurrency: usize,
    /// `CacheTolerance`: how long a finished scan's rows answer the same scan again; zero
    /// (the default) caches nothing.
    pub cache_tolerance: std::time::Duration,
    /// An OAuth connection's token keeper, for the OAuth procedures.
    pub oauth: Option<Arc<atlassian_oauth::OAuthAuthenticator>>,
    /// Confluence's own credentials when its server signs in apart (Data Center, a second
    /// OAuth grant); `None`: the connection's.
    pub confluence_auth: Option<Arc<dyn Authenticator>>,
    /// `ReadOnly`: writes and procedures that write are refused.
    pub read_only: bool,
    /// `MaxRows`: at most this many rows in any query's result, as a `LIMIT` on top of it (which
    /// the scans take as their page size and request count where the query lets them).
    pub max_rows: Option<usize>,
    /// Which custom fields become columns and how they are named, and which tables are listed.
    pub catalog: CatalogOptions,
    /// `Timezone`: `UTC` (or empty), `User`, or an IANA zone timestamps are shown and read in.
    pub timezone: String,
    /// `CacheLocation`, `AutoCache`, `Offline`, `CacheTolerance`, `CacheTables`: where
    /// `SyncReplica` keeps the local replica, and how queries use it.
    pub replica: Option<ReplicaOptions>,
}

/// `IncludeCustomFields`, `UseDisplayNames`, `Tables`, `BrowsableSchemas`.
#[derive(Debug, Clone)]
pub struct CatalogOptions {
    /// Jira's custom fields as columns of `Jira.Issues` (false: system fields only, and no
    /// field list is read at connect).
    pub include_custom_fields: bool,
    /// Custom-field columns named by display name (else by field id, `customfield_10010`).
    pub use_display_names: bool,
    /// The tables the catalog functions, `information_schema` and the system tables list (by
    /// name or `Schema.Name`, ignoring case); `None`: all. Queries reach every table.
    pub tables: Option<Vec<String>>,
    /// The schemas they list; `None`: both.
    pub browsable_schemas: Option<Vec<String>>,
}

impl Default for CatalogOptions {
    fn default() -> CatalogOptions {
        CatalogOptions { include_custom_fields: true, use_display_names: true, tables: None, browsable_schemas: None }
    }
}

impl CatalogOptions {
    /// Whether a table is listed.
    fn lists(&self, t: &crate::catalog::TableDef) -> bool {
        let schema_ok = self.browsable_schemas.as_ref().is_none_or(|s| s.iter().any(|s| s.eq_ignore_ascii_case(t.product.schema_name())));
        let table_ok =
            self.tables.as_ref().is_none_or(|names| names.iter().any(|n| n.eq_ignore_ascii_case(t.name) || n.eq_ignore_ascii_case(&t.qualified_name())));
        schema_ok && table_ok
    }
}

impl ConnectOptions {
    /// The metadata cache time connections get when `MetadataCacheSeconds` is not given.
    pub const DEFAULT_METADATA_CACHE: std::time::Duration = std::time::Duration::from_secs(300);

    /// A connection to `site` with every option at its default (the properties' defaults).
    pub fn new(site: SiteConfig) -> ConnectOptions {
        ConnectOptions {
            site,
            pushdown: true,
            metadata_cache: Self::DEFAULT_METADATA_CACHE,
            max_concurrency: crate::rest::DEFAULT_CONCURRENCY,
            cache_tolerance: std::time::Duration::ZERO,
            oauth: None,
            confluence_auth: None,
            read_only: false,
            max_rows: None,
            catalog: CatalogOptions::default(),
            timezone: String::new(),
            replica: None,
        }
    }
}

pub struct MapperSession {
    ctx: SessionContext,
    catalog: Catalog,
    procedures: Vec<crate::procedures::ProcedureDef>,
    client: Arc<AtlassianClient>,
    oauth: Option<Arc<atlassian_oauth::OAuthAuthenticator>>,
    /// `ReadOnly`, or `SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY`: writes and procedures that
    /// write are refused.
    read_only: std::sync::atomic::AtomicBool,
    max_rows: Option<usize>,
    /// The tables the catalog functions list (`Tables`, `BrowsableSchemas`).
    browsable: Catalog,
    /// `Timezone`, when not UTC.
    local: Option<crate::local_time::LocalTime>,
    /// The driver's own relations over this connection's metadata (`sys`, `information_schema`),
    /// registered when a statement first names one: planning their views costs more than a
    /// connect should.
    system: std::sync::RwLock<Vec<crate::identifiers::SystemRelation>>,
    pending_system: std::sync::Mutex<Option<SystemRelationSource>>,
    replica: Option<ReplicaOptions>,
    /// The Jira field list the catalog's custom-field columns come from.
    jira_fields: Arc<Value>,
}

/// Makes the system relations from the session, when first needed.
pub type SystemRelationSource = Box<dyn FnOnce(&MapperSession) -> Result<SystemRelations, String> + Send>;

/// Tables (rows made in memory) and views (SQL over them) of the driver's own, by schema.
pub type SystemRelations = (Vec<(&'static str, String, datafusion::arrow::record_batch::RecordBatch)>, Vec<(&'static str, String, String)>);

pub use crate::queries::QueryResult;

pub(crate) use crate::error::df_error;

/// What writes and procedures ask of the session, and no more.
#[async_trait::async_trait]
impl crate::queries::Queries for MapperSession {
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn client(&self) -> &Arc<AtlassianClient> {
        &self.client
    }

    fn oauth(&self) -> Option<&Arc<atlassian_oauth::OAuthAuthenticator>> {
        self.oauth.as_ref()
    }

    async fn query_with(&self, sql: &str, params: &[ScalarValue]) -> Result<QueryResult, MapperError> {
        let state = self.live_state();
        let plan = self.plan_in(&state, self.parse(sql)?).await?;
        self.run_live(state, bind_parameters(plan, params)?).await
    }

    async fn query_plan(&self, plan: &datafusion::logical_expr::LogicalPlan, params: &[ScalarValue]) -> Result<QueryResult, MapperError> {
        self.run_live(self.live_state(), bind_parameters(plan.clone(), params)?).await
    }

    fn replica(&self) -> Option<&ReplicaOptions> {
        self.replica.as_ref()
    }

    fn jira_fields(&self) -> Option<Arc<Value>> {
        self.jira_fields.as_array().is_some_and(|a| !a.is_empty()).then(|| self.jira_fields.clone())
    }
}

/// The engine with the driver's own analysis ([`crate::bit_literals::analyzer_rules`]).
fn engine_context(config: SessionConfig) -> SessionContext {
    let state = datafusion::execution::SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .with_analyzer_rules(crate::bit_literals::analyzer_rules())
        .build();
    SessionContext::new_with_state(state)
}

impl MapperSession {
    pub async fn connect(opts: ConnectOptions, auth: Arc<dyn Authenticator>) -> Result<MapperSession, MapperError> {
        let offline = opts.replica.as_ref().is_some_and(|r| r.offline);
        let anonymous = !auth.has_credentials() || offline;
        // An OAuth connection without a token yet opens for the OAuth procedures only.
        let tokenless = anonymous && auth.scheme() == atlassian_oauth::AuthScheme::OAuth;
        let client = Arc::new(
            AtlassianClient::new(opts.site.clone(), auth)?
                .with_max_concurrency(opts.max_concurrency)
                .with_confluence_auth(opts.confluence_auth.clone())
                .offline(offline),
        );
        let api = client.flavor().jira_api();
        // Prove the credentials once, so a bad token fails the connect, not the first query.
        let mut who = String::new();
        let mut user_zone = None;
        if !anonymous {
            let me = client.get_json(Product::Jira, &format!("/rest/api/{api}/myself")).await.map_err(|e| match e.state {
                SqlState::General => MapperError::new(SqlState::CannotConnect, e.message),
                _ => e,
            })?;
            who = ["/accountId", "/key", "/name"].iter().find_map(|p| me.pointer(p).and_then(Value::as_str)).unwrap_or_default().to_string();
            user_zone = me.get("timeZone").and_then(Value::as_str).map(str::to_string);
        }
        // With `AutoCache`, `CacheTolerance` is how far behind the replica may be instead.
        if !opts.cache_tolerance.is_zero() && !opts.replica.as_ref().is_some_and(|r| r.auto) {
            client.cache_results(&who, opts.cache_tolerance);
        }
        let mut catalog = Catalog::standard();
        let site = &opts.site.jira_base;
        let fields = match crate::field_cache::fresh(site, &who, opts.metadata_cache) {
            _ if !opts.catalog.include_custom_fields => Arc::new(Value::Array(Vec::new())),
            // Offline, the custom fields are those of the last sync.
            _ if offline => Arc::new(
                crate::replica::ReplicaStore::open(&opts.replica.as_ref().expect("offline has a replica").location)?
                    .jira_fields()?
                    .unwrap_or(Value::Array(Vec::new())),
            ),
            Some(f) => f,
            None if tokenless => Arc::new(Value::Array(Vec::new())),
            None => {
                let f = Arc::new(client.get_json(Product::Jira, &format!("/rest/api/{api}/field")).await?);
                crate::field_cache::store(site, &who, f.clone());
                f
            }
        };
        add_custom_fields(&mut catalog, &fields, opts.catalog.use_display_names);
        let browsable = catalog.retained(|t| opts.catalog.lists(t));
        let local = crate::local_time::LocalTime::named(&opts.timezone, user_zone.as_deref())?;

        // One target partition: each scan is a stream of REST pages, and spreading its batches
        // over threads (round-robin repartitioning) costs more than the work it spreads.
        let mut config = SessionConfig::new().with_default_catalog_and_schema("atlassian", "Jira").with_information_schema(false).with_target_partitions(1);
        config.options_mut().sql_parser.enable_ident_normalization = false;
        let ctx = engine_context(config);
        ctx.add_optimizer_rule(Arc::new(crate::scan::JoinNarrowsParents));
        let cat = ctx.catalog("atlassian").ok_or_else(|| MapperError::new(SqlState::General, "the SQL engine has no default catalog"))?;
        // Parents first: a table read per row of another holds that table's provider.
        let mut made: Vec<(Product, &'static str, Arc<AtlassianTable>)> = Vec::new();
        let mut todo: Vec<&crate::catalog::TableDef> = catalog.tables().iter().collect();
        while !todo.is_empty() {
            let before = todo.len();
            todo.retain(|def| {
                let ready = def.source.parents().iter().all(|(p, n)| made.iter().any(|(mp, mn, _)| mp == p && mn == n));
                if ready {
                    let lookup = |p: Product, n: &str| made.iter().find(|(mp, mn, _)| *mp == p && *mn == n).map(|(_, _, t)| t.clone());
                    let table = Arc::new(AtlassianTable::new((*def).clone(), client.clone(), opts.pushdown, lookup));
                    made.push((def.product, def.name, table));
                }
                !ready
            });
            if todo.len() == before {
                return Err(MapperError::new(SqlState::General, "the table catalog has a cycle of parent tables"));
            }
        }
        // With `AutoCache` the tables of `CacheTables` go through the replica (read from its
        // files once synced); `Offline`, every table does (and is refused until synced).
        let replica = match opts.replica.as_ref().filter(|r| r.auto || r.offline) {
            Some(r) => Some((r, crate::replica::ReplicaStore::open(&r.location)?)),
            None => None,
        };
        for product in [Product::Jira, Product::Confluence] {
            let schema = Arc::new(MemorySchemaProvider::new());
            for (_, name, table) in made.iter().filter(|(p, _, _)| *p == product) {
                let qualified = format!("{}.{name}", product.schema_name());
                let provider: Arc<dyn datafusion::datasource::TableProvider> = match &replica {
                    Some((r, store)) if r.offline || r.covers(&qualified) => {
                        Arc::new(crate::replica::ReplicaTable::new(table.clone(), qualified, store.clone(), r.offline))
                    }
                    _ => table.clone(),
                };
                schema.register_table(name.to_string(), provider).map_err(df_error)?;
            }
            cat.register_schema(product.schema_name(), schema).map_err(df_error)?;
        }
        Ok(MapperSession {
            ctx,
            catalog,
            procedures: crate::procedures::all(),
            client,
            oauth: opts.oauth,
            read_only: std::sync::atomic::AtomicBool::new(opts.read_only),
            max_rows: opts.max_rows,
            browsable,
            local,
            system: Default::default(),
            pending_system: Default::default(),
            replica: opts.replica,
            jira_fields: fields,
        })
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The stored procedures (`SQLProcedures`, `EXEC`, `{call}`).
    /// The tables the catalog functions and system tables list (`Tables`, `BrowsableSchemas`).
    pub fn browsable_catalog(&self) -> &Catalog {
        &self.browsable
    }

    pub fn procedures(&self) -> &[crate::procedures::ProcedureDef] {
        &self.procedures
    }

    /// The OAuth token keeper of an `AuthScheme=OAuth` connection.
    pub fn oauth(&self) -> Option<&Arc<atlassian_oauth::OAuthAuthenticator>> {
        self.oauth.as_ref()
    }

    pub fn client(&self) -> &Arc<AtlassianClient> {
        &self.client
    }

    /// The columns a query would return, planned without running it (`SQLPrepare` then
    /// `SQLDescribeCol`): no REST request is made.
    pub async fn describe(&self, sql: &str) -> Result<SchemaRef, MapperError> {
        Ok(self.prepare(sql).await?.schema.clone())
    }

    /// Parses and plans a statement once, for any number of executions (`SQLPrepare`). Its
    /// parameters are `$1`, `$2`, ... in the text; their values come typed at each execution.
    pub async fn prepare(&self, sql: &str) -> Result<PreparedStatement, MapperError> {
        if let Some(call) = crate::procedures::parse_call(sql)? {
            let schema = crate::procedures::called(&self.procedures, &call)?.schema();
            return Ok(PreparedStatement { kind: PreparedKind::Call(call), schema, parameters: Vec::new() });
        }
        self.system_relations_for(sql).await?;
        let statement = self.parse(sql)?;
        if let DfStatement::Statement(s) = &statement {
            if crate::writes::is_write(s) {
                let parameters = crate::writes::parameter_types(self, s);
                // An insert's rows (its VALUES or SELECT) are a query planned once like any other.
                let source = match s.as_ref() {
                    Statement::Insert(i) => match &i.source {
                        Some(q) => Some(self.plan_statement(DfStatement::Statement(Box::new(Statement::Query(q.clone())))).await?),
                        None => None,
                    },
                    _ => None,
                };
                return Ok(PreparedStatement {
                    kind: PreparedKind::Write(s.clone(), source),
                    schema: Arc::new(datafusion::arrow::datatypes::Schema::empty()),
                    parameters,
                });
            }
        }
        let plan = self.plan_statement(statement).await?;
        let types = plan.get_parameter_types().map_err(df_error)?;
        let count = types.keys().filter_map(|id| id.strip_prefix('$')?.parse::<usize>().ok()).max().unwrap_or(0);
        let parameters = (1..=count).map(|n| types.get(&format!("${n}")).cloned().flatten()).collect();
        let schema = match &self.local {
            Some(local) => local.local_schema(plan.schema().as_arrow()),
            None => Arc::new(plan.schema().as_arrow().clone()),
        };
        Ok(PreparedStatement { schema, kind: PreparedKind::Query(plan), parameters })
    }

    /// Runs a prepared statement with these parameter values (`$1` is `params[0]`).
    pub async fn execute(&self, prepared: &PreparedStatement, params: &[ScalarValue]) -> Result<QueryResult, MapperError> {
        let local_params: Vec<ScalarValue>;
        let params = match &self.local {
            Some(local) => {
                local_params = params.iter().cloned().map(|p| local.parameter_to_utc(p)).collect();
                &local_params[..]
            }
            None => params,
        };
        match &prepared.kind {
            PreparedKind::Call(call) => {
                // Procedures may change what scans return (a transition, a new token).
                crate::result_cache::forget_site(&self.client.site_key());
                let values: Vec<Value> = params.iter().map(crate::scan::scalar_value_json).collect::<Result<_, _>>()?;
                let p = crate::procedures::called(&self.procedures, call)?;
                if p.writes {
                    self.refuse_if_read_only(&p.qualified_name())?;
                }
                Box::pin(crate::procedures::execute(self, p, call, &values)).await
            }
            PreparedKind::Write(statement, source) => {
                self.refuse_if_read_only(&statement.to_string().split_whitespace().next().unwrap_or("A write").to_ascii_uppercase())?;
                let done = Box::pin(crate::writes::execute(self, statement, source.as_ref(), params)).await;
                // A write, even one that failed part-way, may have changed what scans return.
                crate::result_cache::forget_site(&self.client.site_key());
                done
            }
            PreparedKind::Query(plan) => {
                self.freshen(plan).await?;
                let result = self.run_plan(self.capped(bind_parameters(plan.clone(), params)?)?).await?;
                Ok(match self.local {
                    Some(local) => shown_in(local, result),
                    None => result,
                })
            }
        }
    }

    /// With `AutoCache` and `CacheTolerance`, brings the replicated tables a query reads that
    /// are further behind than the tolerance (or never synced) up to date first, incrementally.
    /// While another sync holds the location the query reads the replica as it is.
    async fn freshen(&self, plan: &datafusion::logical_expr::LogicalPlan) -> Result<(), MapperError> {
        use datafusion::common::tree_node::TreeNodeRecursion;
        use datafusion::logical_expr::LogicalPlan;
        let Some(r) = self.replica.as_ref().filter(|r| r.auto && !r.offline && !r.tolerance.is_zero()) else { return Ok(()) };
        let mut read = std::collections::BTreeSet::new();
        plan.apply_with_subqueries(|node| {
            if let LogicalPlan::TableScan(scan) = node {
                read.insert(format!("{}.{}", scan.table_name.schema().unwrap_or("Jira"), scan.table_name.table()));
            }
            Ok(TreeNodeRecursion::Continue)
        })
        .map_err(df_error)?;
        let store = crate::replica::ReplicaStore::open(&r.location)?;
        let manifest = store.manifest()?;
        let now = chrono::Utc::now();
        let behind = |name: &String| match manifest.tables.get(name) {
            Some(e) => chrono::DateTime::parse_from_rfc3339(&e.synced_at)
                .map_or(true, |at| (now - at.with_timezone(&chrono::Utc)).to_std().unwrap_or_default() > r.tolerance),
            None => true,
        };
        let stale: Vec<String> = read
            .into_iter()
            // A table of the catalog (not a system relation) that `CacheTables` covers.
            .filter(|n| r.covers(n) && n.split_once('.').is_some_and(|(s, t)| self.catalog.resolve(Some(s), t).is_ok()))
            .filter(behind)
            .collect();
        if stale.is_empty() || store.try_lock()?.is_none() {
            return Ok(());
        }
        crate::replication::sync(self, Some(stale), false).await.map(|_| ())
    }

    /// A query's plan under `MaxRows` (writes read their rows uncapped). `EXPLAIN` shows the cap.
    fn capped(&self, plan: datafusion::logical_expr::LogicalPlan) -> Result<datafusion::logical_expr::LogicalPlan, MapperError> {
        use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder};
        let Some(max) = self.max_rows else { return Ok(plan) };
        match plan {
            LogicalPlan::Explain(mut e) => {
                let inner = self.capped(e.plan.as_ref().clone())?;
                e.plan = Arc::new(inner);
                Ok(LogicalPlan::Explain(e))
            }
            other => LogicalPlanBuilder::from(other).limit(0, Some(max)).and_then(|b| b.build()).map_err(df_error),
        }
    }

    /// Offers relations of the driver's own over the connection's metadata: tables (rows made
    /// in memory, such as the catalog functions' results) and views (SQL over them and each
    /// other, in order), each in its schema, which is made if new. They are registered when a
    /// statement first mentions `sys` or `information_schema`; SQL reaches them by name, in
    /// any case, and a `sys_` relation of `sys` also by its bare name.
    pub fn offer_system_relations(&self, source: SystemRelationSource) {
        *self.pending_system.lock().unwrap_or_else(|p| p.into_inner()) = Some(source);
    }

    /// Registers the offered system relations if `sql` may name one and they are not yet.
    async fn system_relations_for(&self, sql: &str) -> Result<(), MapperError> {
        let lower = sql.to_ascii_lowercase();
        if !(lower.contains("sys") || lower.contains("information_schema")) {
            return Ok(());
        }
        let Some(source) = self.pending_system.lock().unwrap_or_else(|p| p.into_inner()).take() else { return Ok(()) };
        let (tables, views) = source(self).map_err(|e| MapperError::new(SqlState::General, format!("cannot build the system tables: {e}")))?;
        self.add_system_relations(tables, views).await
    }

    async fn add_system_relations(
        &self,
        tables: Vec<(&'static str, String, datafusion::arrow::record_batch::RecordBatch)>,
        views: Vec<(&'static str, String, String)>,
    ) -> Result<(), MapperError> {
        let cat = self.ctx.catalog("atlassian").ok_or_else(|| MapperError::new(SqlState::General, "the SQL engine has no default catalog"))?;
        let schema_of = |name: &str| -> Result<Arc<dyn SchemaProvider>, MapperError> {
            if let Some(s) = cat.schema(name) {
                return Ok(s);
            }
            let s: Arc<dyn SchemaProvider> = Arc::new(MemorySchemaProvider::new());
            cat.register_schema(name, s.clone()).map_err(df_error)?;
            Ok(s)
        };
        for (schema, name, batch) in tables {
            let columns = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
            let table = datafusion::datasource::MemTable::try_new(batch.schema(), vec![vec![batch]]).map_err(df_error)?;
            schema_of(schema)?.register_table(name.clone(), Arc::new(table)).map_err(df_error)?;
            self.system.write().unwrap_or_else(|p| p.into_inner()).push(crate::identifiers::SystemRelation { schema, name, columns });
        }
        for (schema, name, sql) in views {
            let plan = self.plan_statement(self.parse(&sql)?).await?;
            let columns = plan.schema().fields().iter().map(|f| f.name().clone()).collect();
            let view = datafusion::catalog::view::ViewTable::new(plan, Some(sql));
            schema_of(schema)?.register_table(name.clone(), Arc::new(view)).map_err(df_error)?;
            self.system.write().unwrap_or_else(|p| p.into_inner()).push(crate::identifiers::SystemRelation { schema, name, columns });
        }
        Ok(())
    }

    /// Read-only from now on (or not): `ReadOnly`, `SQL_ATTR_ACCESS_MODE`.
    pub fn set_read_only(&self, on: bool) {
        self.read_only.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A write (`what`: INSERT, UPDATE, DELETE or a procedure) refused on a read-only connection.
    pub(crate) fn refuse_if_read_only(&self, what: &str) -> Result<(), MapperError> {
        if self.is_read_only() {
            return Err(MapperError::new(
                SqlState::SyntaxOrAccess,
                format!("{what} is refused: the connection is read-only (ReadOnly=true or SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY)"),
            ));
        }
        Ok(())
    }

    fn parse(&self, sql: &str) -> Result<DfStatement, MapperError> {
        let mut statements =
            DFParser::parse_sql_with_dialect(sql, &GenericDialect {}).map_err(|e| MapperError::new(SqlState::SyntaxOrAccess, format!("Syntax error: {e}")))?;
        if statements.len() != 1 {
            return Err(MapperError::new(SqlState::SyntaxOrAccess, format!("Expected one statement, found {}", statements.len())));
        }
        Ok(statements.pop_front().expect("one statement"))
    }

    /// Plans a parsed statement, its names resolved against the catalog first.
    async fn plan_statement(&self, statement: DfStatement) -> Result<datafusion::logical_expr::LogicalPlan, MapperError> {
        self.plan_in(&self.ctx.state(), statement).await
    }

    /// Plans a statement in `state` (the session's, or [`Self::live_state`]).
    async fn plan_in(
        &self,
        state: &datafusion::execution::SessionState,
        mut statement: DfStatement,
    ) -> Result<datafusion::logical_expr::LogicalPlan, MapperError> {
        if let DfStatement::Statement(inner) = &mut statement {
            crate::row_limits::as_limit(inner)?;
            if let Some(local) = &self.local {
                local.literals_to_utc(inner);
            }
            crate::far_timestamps::as_milliseconds(inner);
            let ctes = cte_names(inner);
            let system = self.system.read().unwrap_or_else(|p| p.into_inner()).clone();
            IdentifierResolver::new(&self.catalog).with_system(&system).resolve(inner, &ctes)?;
        }
        state.statement_to_plan(statement).await.map_err(df_error)
    }

    /// Runs a plan in `state` (made by [`Self::live_state`]): its scans read the site.
    async fn run_live(&self, state: datafusion::execution::SessionState, plan: datafusion::logical_expr::LogicalPlan) -> Result<QueryResult, MapperError> {
        let frame = datafusion::dataframe::DataFrame::new(state, plan);
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let stream = frame.execute_stream().await.map_err(df_error)?;
        Ok(QueryResult { schema, stream, rows_affected: None, notices: Vec::new() })
    }

    /// The session's state, its scans reading the site whatever the replica holds.
    fn live_state(&self) -> datafusion::execution::SessionState {
        let mut state = self.ctx.state();
        state.config_mut().set_extension(Arc::new(crate::replica::LiveRead));
        state
    }

    /// Plans and starts a query; rows arrive as the stream is polled.
    pub async fn query(&self, sql: &str) -> Result<QueryResult, MapperError> {
        let prepared = self.prepare(sql).await?;
        self.execute(&prepared, &[]).await
    }

    async fn run_plan(&self, plan: datafusion::logical_expr::LogicalPlan) -> Result<QueryResult, MapperError> {
        if let datafusion::logical_expr::LogicalPlan::Explain(explain) = &plan {
            return self.explain(plan.clone(), explain.plan.as_ref().clone()).await;
        }
        let frame = self.ctx.execute_logical_plan(plan).await.map_err(df_error)?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let stream = frame.execute_stream().await.map_err(df_error)?;
        Ok(QueryResult { schema, stream, rows_affected: None, notices: Vec::new() })
    }
}

/// A query's result as `Timezone` shows it: its timestamps as wall times in the zone.
fn shown_in(local: crate::local_time::LocalTime, result: QueryResult) -> QueryResult {
    use futures::StreamExt;
    let schema = local.local_schema(&result.schema);
    let out = schema.clone();
    let stream = result.stream.map(move |b| b.and_then(|b| local.local_batch(b, &out)));
    QueryResult { schema: schema.clone(), stream: Box::pin(datafusion::physical_plan::stream::RecordBatchStreamAdapter::new(schema, stream)), ..result }
}

/// A statement parsed and planned once ([`MapperSession::prepare`]), run any number of times
/// with typed parameter values: values are bound into the plan, never written into SQL text.
pub struct PreparedStatement {
    kind: PreparedKind,
    schema: SchemaRef,
    parameters: Vec<Option<DataType>>,
}

enum PreparedKind {
    /// A stored procedure call, its arguments literals or parameters.
    Call(crate::procedures::Call),
    /// `INSERT`, `UPDATE` or `DELETE`: the mapper's own, with an insert's rows planned.
    Write(Box<Statement>, Option<datafusion::logical_expr::LogicalPlan>),
    /// A query: DataFusion's logical plan with placeholders.
    Query(datafusion::logical_expr::LogicalPlan),
}

impl PreparedStatement {
    /// The columns its result has (none for a write without `RETURNING`).
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The type the statement gives parameter `n` (1-based), where it tells: a comparison with
    /// a column, a value inserted into one. `None`: any value, converted where it is used.
    pub fn parameter_type(&self, n: usize) -> Option<&DataType> {
        self.parameters.get(n.checked_sub(1)?)?.as_ref()
    }
}

/// The plan with its placeholders replaced by the values, as typed literals.
fn bind_parameters(plan: datafusion::logical_expr::LogicalPlan, params: &[ScalarValue]) -> Result<datafusion::logical_expr::LogicalPlan, MapperError> {
    if params.is_empty() {
        return Ok(plan);
    }
    plan.with_param_values(params.to_vec()).map_err(df_error)
}

impl MapperSession {
    /// DataFusion's plans, then one `atlassian_requests` row per Atlassian scan: the resource,
    /// JQL, fields, page size and parents it will send, as the scan will send them.
    async fn explain(&self, plan: datafusion::logical_expr::LogicalPlan, inner: datafusion::logical_expr::LogicalPlan) -> Result<QueryResult, MapperError> {
        use datafusion::arrow::array::StringArray;
        use datafusion::arrow::record_batch::RecordBatch;
        use datafusion::physical_plan::streaming::StreamingTableExec;
        use datafusion::physical_plan::ExecutionPlan;
        fn scans(plan: &Arc<dyn ExecutionPlan>, out: &mut Vec<String>) {
            if let Some(s) = plan.downcast_ref::<StreamingTableExec>() {
                out.extend(s.partitions().iter().map(|p| format!("{p:?}")));
            }
            for c in plan.children() {
                scans(c, out);
            }
        }
        let frame = self.ctx.execute_logical_plan(plan).await.map_err(df_error)?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let mut batches = frame.collect().await.map_err(df_error)?;
        let physical = self.ctx.state().create_physical_plan(&inner).await.map_err(df_error)?;
        let mut requests = Vec::new();
        scans(&physical, &mut requests);
        if !requests.is_empty() && schema.fields().len() == 2 {
            let kinds = StringArray::from(vec!["atlassian_requests"; requests.len()]);
            let texts = StringArray::from(requests);
            let batch =
                RecordBatch::try_new(schema.clone(), vec![Arc::new(kinds), Arc::new(texts)]).map_err(|e| MapperError::new(SqlState::General, e.to_string()))?;
            batches.push(batch);
        }
        Ok(QueryResult::from_batches(schema, batches, None))
    }
}

/// Cloud or Data Center, and the product version, from Jira's `serverInfo` (a site under
/// `atlassian.net` is Cloud without asking).
pub async fn detect_site(url: &str, auth: Arc<dyn Authenticator>, transport: &atlassian_oauth::Transport) -> Result<(Flavor, String), MapperError> {
    let site =
        SiteConfig { jira_base: url.to_string(), confluence_base: url.to_string(), flavor: Flavor::Cloud, transport: transport.clone(), org_admin: None };
    let client = AtlassianClient::new(site, auth)?;
    let info = client.get_json(Product::Jira, "/rest/api/2/serverInfo").await.map_err(|e| match e.state {
        SqlState::General | SqlState::LinkFailure | SqlState::SyntaxOrAccess => {
            MapperError::new(SqlState::CannotConnect, format!("{url} does not answer as a Jira site: {}", e.message))
        }
        _ => e,
    })?;
    let version = info.get("version").and_then(Value::as_str).unwrap_or_default().to_string();
    let cloud = info.get("deploymentType").and_then(Value::as_str).is_some_and(|d| d.eq_ignore_ascii_case("cloud"));
    Ok((if cloud { Flavor::Cloud } else { Flavor::DataCenter }, version))
}

fn cte_names(stmt: &Statement) -> Vec<String> {
    fn of_query(q: &Query, out: &mut Vec<String>) {
        if let Some(with) = &q.with {
            out.extend(with.cte_tables.iter().map(|c| c.alias.name.value.clone()));
        }
        if let SetExpr::Query(inner) = q.body.as_ref() {
            of_query(inner, out);
        }
    }
    let mut out = Vec::new();
    if let Statement::Query(q) = stmt {
        of_query(q, &mut out);
    }
    out
}

/// Adds one typed column per Jira custom field to `Jira.Issues`, named after the field (a name
/// that collides with a system column, or another custom field, gets the field id appended).
fn add_custom_fields(catalog: &mut Catalog, fields: &Value, display_names: bool) {
    let Some(list) = fields.as_array() else { return };
    let mut extra = Vec::new();
    for f in list.iter().filter(|f| f.get("custom").and_then(Value::as_bool) == Some(true)) {
        let (Some(id), Some(name), Some(schema)) = (f.get("id").and_then(Value::as_str), f.get("name").and_then(Value::as_str), f.get("schema")) else {
            continue;
        };
        let ty = schema.get("type").and_then(Value::as_str).unwrap_or("any");
        let items = schema.get("items").and_then(Value::as_str);
        let custom_id = schema.get("customId").and_then(Value::as_u64);
        extra.push(custom_field_column(id, if display_names { name } else { id }, ty, items, custom_id));
    }
    catalog.extend_table(Product::Jira, "Issues", extra);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn custom_fields_become_typed_issue_columns_and_a_taken_name_gets_its_id() {
        let mut catalog = Catalog::standard();
        let fields = json!([
            {"id": "customfield_10010", "name": "Story Points", "custom": true, "schema": {"type": "number", "customId": 10010}},
            {"id": "customfield_10011", "name": "Summary", "custom": true, "schema": {"type": "string"}},
            {"id": "summary", "name": "Summary", "custom": false, "schema": {"type": "string"}},
            {"id": "customfield_10012", "name": "No schema", "custom": true},
        ]);
        add_custom_fields(&mut catalog, &fields, true);
        let issues = catalog.table(Product::Jira, "Issues").unwrap();
        let points = issues.column("Story Points").expect("the number field is a column");
        assert_eq!(points.sql_type, crate::catalog::SqlType::Double);
        assert_eq!(points.pushdown, crate::catalog::Pushdown::Query("cf[10010]".into(), crate::catalog::QueryValue::Name));
        assert!(issues.column("Summary (customfield_10011)").is_some(), "a custom field named like a system column keeps its id");
        assert!(issues.column("No schema").is_none());
        let mut by_id = Catalog::standard();
        add_custom_fields(&mut by_id, &fields, false);
        assert!(by_id.table(Product::Jira, "Issues").unwrap().column("customfield_10010").is_some());
    }

    #[test]
    fn browsable_tables_and_schemas_narrow_the_listed_catalog() {
        let catalog = Catalog::standard();
        let opts = CatalogOptions { tables: Some(vec!["jira.issues".into(), "Pages".into()]), ..CatalogOptions::default() };
        let listed: Vec<String> = catalog.retained(|t| opts.lists(t)).tables().iter().map(|t| t.qualified_name()).collect();
        assert_eq!(listed, ["Confluence.Pages", "Jira.Issues"]);
        let opts = CatalogOptions { browsable_schemas: Some(vec!["JIRA".into()]), ..CatalogOptions::default() };
        assert!(catalog.retained(|t| opts.lists(t)).tables().iter().all(|t| t.product == Product::Jira));
    }

    #[test]
    fn common_table_expressions_are_named_at_any_depth() {
        let parse = |sql: &str| DFParser::parse_sql_with_dialect(sql, &GenericDialect {}).unwrap().pop_front().unwrap();
        let DfStatement::Statement(s) = parse("WITH a AS (SELECT 1), b AS (SELECT 2) SELECT * FROM a, b") else { panic!("a statement") };
        assert_eq!(cte_names(&s), ["a", "b"]);
        let DfStatement::Statement(s) = parse("SELECT 1") else { panic!("a statement") };
        assert!(cte_names(&s).is_empty());
    }
}
