//! Case-insensitive identifiers, as users of other SQL drivers expect: `select projectkey from
//! jira.issues` reaches `Jira.Issues.ProjectKey`, while result columns keep the catalog's spelling.
//! DataFusion's own normalisation (lower-casing unquoted names) is off; instead every unquoted
//! name that matches a catalog table or column, ignoring case, is replaced by its catalog
//! spelling before planning. Quoted identifiers are left exactly as written.

use std::collections::HashMap;
use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    visit_expressions_mut, visit_relations_mut, Expr, Ident, ObjectName, ObjectNamePart, Query, SelectItem, SetExpr, Statement, TableFactor, VisitMut,
    VisitorMut,
};

use crate::catalog::Catalog;
use crate::MapperError;

pub struct IdentifierResolver<'a> {
    catalog: &'a Catalog,
    columns: HashMap<String, String>,
    system: &'a [SystemRelation],
}

/// A relation of the driver's own (a system table or an `information_schema` view).
#[derive(Debug, Clone)]
pub struct SystemRelation {
    pub schema: &'static str,
    pub name: String,
    pub columns: Vec<String>,
}

impl<'a> IdentifierResolver<'a> {
    pub fn new(catalog: &'a Catalog) -> IdentifierResolver<'a> {
        let mut columns = HashMap::new();
        for t in catalog.tables() {
            for c in &t.columns {
                columns.entry(c.name.to_lowercase()).or_insert_with(|| c.name.clone());
            }
        }
        IdentifierResolver { catalog, columns, system: &[] }
    }

    /// The driver's own relations too, and their column names.
    pub fn with_system(mut self, system: &'a [SystemRelation]) -> IdentifierResolver<'a> {
        // Only the documented relations' column names are matched ignoring case: the rows they
        // are made of (`sys."SQLColumns"`, with `TABLE_NAME`) would take `table_name` from
        // information_schema.
        for r in system.iter().filter(|r| r.schema == "information_schema" || r.name.starts_with("sys_")) {
            for c in &r.columns {
                self.columns.entry(c.to_lowercase()).or_insert_with(|| c.clone());
            }
        }
        self.system = system;
        self
    }

    /// A system relation by `[schema.]name` ignoring case (quoted parts exactly); a bare name
    /// finds only `sys_` tables, which commercial drivers' users write without a schema.
    fn system_relation(&self, schema: Option<&Ident>, table: &Ident) -> Option<&'a SystemRelation> {
        let same = |i: &Ident, v: &str| if i.quote_style.is_some() { i.value == v } else { i.value.eq_ignore_ascii_case(v) };
        self.system.iter().find(|r| {
            same(table, &r.name)
                && match schema {
                    Some(s) => same(s, r.schema),
                    None => r.schema == "sys" && r.name.starts_with("sys_"),
                }
        })
    }

    fn canonical_column(&self, ident: &mut Ident) {
        if ident.quote_style.is_none() {
            if let Some(name) = self.columns.get(&ident.value.to_lowercase()) {
                ident.value = name.clone();
            }
        }
    }

    fn canonical_select(&self, body: &mut SetExpr) {
        match body {
            SetExpr::Select(select) => {
                for item in &mut select.projection {
                    if let SelectItem::ExprWithAlias { alias, .. } = item {
                        self.canonical_column(alias);
                    }
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.canonical_select(left);
                self.canonical_select(right);
            }
            SetExpr::Query(q) => self.canonical_select(&mut q.body),
            _ => {}
        }
    }

    /// Rewrites table references to `"Schema"."Table"` and column names to their catalog
    /// spelling. Unknown tables are reported with the closest existing name.
    pub fn resolve(&self, stmt: &mut Statement, ctes: &[String]) -> Result<(), MapperError> {
        let mut error = None;
        let _ = visit_relations_mut(stmt, |name: &mut ObjectName| {
            let parts: Vec<Ident> = name
                .0
                .iter()
                .filter_map(|p| match p {
                    ObjectNamePart::Identifier(i) => Some(i.clone()),
                    _ => None,
                })
                .collect();
            let (schema, table) = match parts.as_slice() {
                [t] => (None, t),
                [s, t] => (Some(s), t),
                [_c, s, t] => (Some(s), t),
                _ => return ControlFlow::Continue(()),
            };
            if schema.is_none() && ctes.iter().any(|c| c.eq_ignore_ascii_case(&table.value)) {
                return ControlFlow::Continue(());
            }
            if let Some(r) = self.system_relation(schema, table) {
                *name = ObjectName(vec![
                    ObjectNamePart::Identifier(Ident::with_quote('"', r.schema)),
                    ObjectNamePart::Identifier(Ident::with_quote('"', r.name.as_str())),
                ]);
                return ControlFlow::Continue(());
            }
            let exact = |i: &Ident| i.quote_style.is_some();
            match self.catalog.resolve(schema.map(|s| s.value.as_str()), &table.value) {
                Ok(def) => {
                    // A quoted name must match exactly, as SQL says.
                    if (exact(table) && table.value != def.name) || schema.is_some_and(|s| exact(s) && s.value != def.product.schema_name()) {
                        error.get_or_insert(MapperError::new(
                            crate::SqlState::TableNotFound,
                            format!("Table \"{}\" does not exist (quoted names are case-sensitive); did you mean {}?", table.value, def.qualified_name()),
                        ));
                        return ControlFlow::Break(());
                    }
                    *name = ObjectName(vec![
                        ObjectNamePart::Identifier(Ident::with_quote('"', def.product.schema_name())),
                        ObjectNamePart::Identifier(Ident::with_quote('"', def.name)),
                    ]);
                    ControlFlow::Continue(())
                }
                Err(e) => {
                    error.get_or_insert(e);
                    ControlFlow::Break(())
                }
            }
        });
        if let Some(e) = error {
            return Err(e);
        }
        // Names the query gives (`AS breached`, a CTE's or derived table's columns) are spelt as
        // the catalog spells a column of that name, as references to them are: `r.breached`
        // then finds the CTE's column, not a column of the catalog's that only `Breached` names.
        let _ = stmt.visit(&mut Aliases(self));
        let _ = visit_expressions_mut(stmt, |e: &mut Expr| {
            match e {
                Expr::Identifier(i) => self.canonical_column(i),
                Expr::CompoundIdentifier(parts) => {
                    let n = parts.len();
                    if let Some(last) = parts.last_mut() {
                        self.canonical_column(last);
                    }
                    // `jira.issues.key`: schema and table parts too.
                    if n == 3 {
                        if let Ok(def) = self.catalog.resolve(Some(&parts[0].value), &parts[1].value) {
                            parts[0] = Ident::with_quote('"', def.product.schema_name());
                            parts[1] = Ident::with_quote('"', def.name);
                        }
                    } else if n == 2 && parts[0].quote_style.is_none() {
                        if let Ok(def) = self.catalog.resolve(None, &parts[0].value) {
                            parts[0] = Ident::new(def.name);
                        }
                    }
                }
                _ => {}
            }
            ControlFlow::<()>::Continue(())
        });
        Ok(())
    }
}

/// Visits the names a query gives: its select list's aliases, its CTEs' and derived tables' columns.
struct Aliases<'r, 'a>(&'r IdentifierResolver<'a>);

impl VisitorMut for Aliases<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.0.canonical_select(&mut query.body);
        for cte in query.with.iter_mut().flat_map(|w| w.cte_tables.iter_mut()) {
            for c in &mut cte.alias.columns {
                self.0.canonical_column(&mut c.name);
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::Derived { alias: Some(alias), .. } = factor {
            for c in &mut alias.columns {
                self.0.canonical_column(&mut c.name);
            }
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    use super::*;

    fn resolved(sql: &str, ctes: &[&str]) -> String {
        let catalog = Catalog::standard();
        let mut stmt = Parser::parse_sql(&GenericDialect {}, sql).unwrap().remove(0);
        let ctes: Vec<String> = ctes.iter().map(|c| c.to_string()).collect();
        IdentifierResolver::new(&catalog).resolve(&mut stmt, &ctes).unwrap();
        stmt.to_string()
    }

    #[test]
    fn names_the_query_gives_are_spelt_as_their_references() {
        assert_eq!(
            resolved("with r as (select issueid, max(1) as breached from jira.requestslas group by issueid) select r.breached from r", &["r"]),
            r#"WITH r AS (SELECT IssueId, max(1) AS Breached FROM "Jira"."RequestSlas" GROUP BY IssueId) SELECT r.Breached FROM r"#
        );
        assert_eq!(
            resolved("select x.status from (select status from jira.issues) as x (status)", &[]),
            r#"SELECT x.Status FROM (SELECT Status FROM "Jira"."Issues") AS x (Status)"#
        );
        // Quoted names stay as written; names no column has stay too.
        assert_eq!(resolved(r#"select 1 as "breached", 2 as total from jira.issues"#, &[]), r#"SELECT 1 AS "breached", 2 AS total FROM "Jira"."Issues""#);
    }
}
