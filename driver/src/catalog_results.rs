//! The catalog functions' result sets (`SQLTables`, `SQLColumns`, `SQLPrimaryKeys`,
//! `SQLForeignKeys`, `SQLStatistics`, `SQLSpecialColumns`, `SQLProcedures`,
//! `SQLProcedureColumns`, `SQLGetTypeInfo`), in the shapes the ODBC specification fixes, built
//! from the connection's table catalog (Jira custom fields included).

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int16Builder, Int32Builder, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use sql_mapper::catalog::TableDef;
use sql_mapper::procedures::ProcedureDef;
use sql_mapper::Catalog;

use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::statement::ResultSet;
use crate::types::{sql, ColumnMeta, ValueKind, META_LENGTH};

#[derive(Clone, Copy)]
enum Col {
    Text,
    Small,
    Int,
}

#[derive(Clone)]
enum V {
    Null,
    S(String),
    I(i64),
}

fn s(v: impl Into<String>) -> V {
    V::S(v.into())
}

/// Builds one result set from rows of values.
fn result(columns: &[(&str, Col)], rows: Vec<Vec<V>>) -> OdbcResult<ResultSet> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, col)| match col {
            Col::Text => Field::new(*name, DataType::Utf8, true).with_metadata(HashMap::from([(META_LENGTH.to_string(), "128".to_string())])),
            Col::Small => Field::new(*name, DataType::Int16, true),
            Col::Int => Field::new(*name, DataType::Int32, true),
        })
        .collect();
    let metas: Vec<ColumnMeta> = fields.iter().map(ColumnMeta::from_field).collect();
    let arrays: Vec<ArrayRef> = columns
        .iter()
        .enumerate()
        .map(|(i, (_, col))| -> ArrayRef {
            match col {
                Col::Text => {
                    let mut b = StringBuilder::new();
                    for r in &rows {
                        match &r[i] {
                            V::S(v) => b.append_value(v),
                            V::I(n) => b.append_value(n.to_string()),
                            V::Null => b.append_null(),
                        }
                    }
                    Arc::new(b.finish())
                }
                Col::Small => {
                    let mut b = Int16Builder::new();
                    for r in &rows {
                        match &r[i] {
                            V::I(n) => b.append_value(*n as i16),
                            _ => b.append_null(),
                        }
                    }
                    Arc::new(b.finish())
                }
                Col::Int => {
                    let mut b = Int32Builder::new();
                    for r in &rows {
                        match &r[i] {
                            V::I(n) => b.append_value(*n as i32),
                            _ => b.append_null(),
                        }
                    }
                    Arc::new(b.finish())
                }
            }
        })
        .collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| OdbcError::new(SqlState::GENERAL, format!("cannot build a catalog result: {e}")))?;
    Ok(ResultSet::from_batches(metas, vec![batch]))
}

/// An argument of a catalog function: a search pattern (`%`, `_`, `\` escape) or, with
/// `SQL_ATTR_METADATA_ID`, an identifier. Matching ignores case, as identifiers do.
#[derive(Debug, Clone)]
pub struct Pattern {
    text: Option<String>,
    identifier: bool,
}

impl Pattern {
    pub fn new(text: Option<String>, identifier: bool) -> Pattern {
        Pattern { text, identifier }
    }
    fn is(&self, v: &str) -> bool {
        self.text.as_deref() == Some(v)
    }
    fn is_empty_string(&self) -> bool {
        self.text.as_deref() == Some("")
    }
    pub fn matches(&self, name: &str) -> bool {
        let Some(p) = self.text.as_deref().filter(|t| !t.is_empty()) else { return true };
        if self.identifier {
            let p = p.strip_prefix('"').and_then(|q| q.strip_suffix('"')).unwrap_or(p);
            return p.eq_ignore_ascii_case(name);
        }
        like(&p.to_lowercase().chars().collect::<Vec<_>>(), &name.to_lowercase().chars().collect::<Vec<_>>())
    }
}

fn like(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('%') => (0..=s.len()).any(|i| like(&p[1..], &s[i..])),
        Some('_') => !s.is_empty() && like(&p[1..], &s[1..]),
        Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && like(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && like(&p[1..], &s[1..]),
    }
}

/// Our data source has no catalogs: a non-empty catalog argument matches nothing.
fn catalog_ok(catalog: &Option<String>) -> bool {
    catalog.as_deref().is_none_or(|c| c.is_empty() || c == "%")
}

const TABLES: &[(&str, Col)] =
    &[("TABLE_CAT", Col::Text), ("TABLE_SCHEM", Col::Text), ("TABLE_NAME", Col::Text), ("TABLE_TYPE", Col::Text), ("REMARKS", Col::Text)];

pub fn tables(cat: &Catalog, catalog: Option<String>, schema: Pattern, table: Pattern, types: Option<String>) -> OdbcResult<ResultSet> {
    let empty_tbl = table.is_empty_string();
    // The three enumerations the specification defines.
    if catalog.as_deref() == Some("%") && schema.is_empty_string() && empty_tbl {
        return result(TABLES, Vec::new());
    }
    if schema.is("%") && catalog.as_deref() == Some("") && empty_tbl {
        let rows = ["Confluence", "Jira"].iter().map(|s_| vec![V::Null, s(*s_), V::Null, V::Null, V::Null]).collect();
        return result(TABLES, rows);
    }
    if types.as_deref() == Some("%") && catalog.as_deref() == Some("") && schema.is_empty_string() && empty_tbl {
        return result(TABLES, vec![vec![V::Null, V::Null, V::Null, s("TABLE"), V::Null]]);
    }
    let wanted_types: Vec<String> = types
        .as_deref()
        .map(|t| t.split(',').map(|x| x.trim().trim_matches('\'').to_ascii_uppercase()).filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    if !wanted_types.is_empty() && !wanted_types.iter().any(|t| t == "TABLE" || t == "%") {
        return result(TABLES, Vec::new());
    }
    let rows = if catalog_ok(&catalog) {
        cat.tables()
            .iter()
            .filter(|t| schema.matches(t.product.schema_name()) && table.matches(t.name))
            .map(|t| vec![V::Null, s(t.product.schema_name()), s(t.name), s("TABLE"), s(t.remarks)])
            .collect()
    } else {
        Vec::new()
    };
    result(TABLES, rows)
}

const COLUMNS: &[(&str, Col)] = &[
    ("TABLE_CAT", Col::Text),
    ("TABLE_SCHEM", Col::Text),
    ("TABLE_NAME", Col::Text),
    ("COLUMN_NAME", Col::Text),
    ("DATA_TYPE", Col::Small),
    ("TYPE_NAME", Col::Text),
    ("COLUMN_SIZE", Col::Int),
    ("BUFFER_LENGTH", Col::Int),
    ("DECIMAL_DIGITS", Col::Small),
    ("NUM_PREC_RADIX", Col::Small),
    ("NULLABLE", Col::Small),
    ("REMARKS", Col::Text),
    ("COLUMN_DEF", Col::Text),
    ("SQL_DATA_TYPE", Col::Small),
    ("SQL_DATETIME_SUB", Col::Small),
    ("CHAR_OCTET_LENGTH", Col::Int),
    ("ORDINAL_POSITION", Col::Int),
    ("IS_NULLABLE", Col::Text),
];

/// The ODBC description of a table's columns, from the same Arrow schema queries return.
pub fn column_metas(t: &TableDef) -> Vec<ColumnMeta> {
    sql_mapper::scan::schema_of(t).fields().iter().map(|f| ColumnMeta::from_field(f)).collect()
}

fn is_numeric(k: ValueKind) -> bool {
    matches!(k, ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt | ValueKind::Real | ValueKind::Double | ValueKind::Decimal { .. })
}

fn clamp(n: usize) -> i64 {
    n.min(i32::MAX as usize) as i64
}

/// The type columns SQLColumns and SQLProcedureColumns share, DATA_TYPE to IS_NULLABLE.
fn type_columns(m: &ColumnMeta, def: &sql_mapper::catalog::ColumnDef, data_type: i16, ordinal: i64) -> Vec<V> {
    let (verbose, sub) = m.verbose_type();
    vec![
        V::I(data_type.into()),
        s(m.type_name),
        V::I(clamp(m.column_size)),
        V::I(clamp(m.octet_length)),
        if is_numeric(m.kind) || m.kind == ValueKind::Timestamp { V::I(m.decimal_digits.into()) } else { V::Null },
        if is_numeric(m.kind) { V::I(10) } else { V::Null },
        V::I(i64::from(def.nullable)),
        s(def.remarks.clone()),
        V::Null,
        V::I(verbose.into()),
        if sub != 0 { V::I(sub.into()) } else { V::Null },
        if m.is_text() { V::I(clamp(m.octet_length)) } else { V::Null },
        V::I(ordinal),
        s(if def.nullable { "YES" } else { "NO" }),
    ]
}

pub fn columns(cat: &Catalog, catalog: Option<String>, schema: Pattern, table: Pattern, column: Pattern, odbc_version: i32) -> OdbcResult<ResultSet> {
    let mut rows = Vec::new();
    if catalog_ok(&catalog) {
        for t in cat.tables().iter().filter(|t| schema.matches(t.product.schema_name()) && table.matches(t.name)) {
            for (i, (def, m)) in t.columns.iter().zip(column_metas(t)).enumerate() {
                if !column.matches(&def.name) {
                    continue;
                }
                let mut row = vec![V::Null, s(t.product.schema_name()), s(t.name), s(def.name.clone())];
                row.extend(type_columns(&m, def, m.sql_type_for(odbc_version), i as i64 + 1));
                rows.push(row);
            }
        }
    }
    result(COLUMNS, rows)
}

fn one_table<'a>(cat: &'a Catalog, catalog: &Option<String>, schema: &Option<String>, table: &Option<String>) -> OdbcResult<Vec<&'a TableDef>> {
    let name = table.as_deref().ok_or_else(|| OdbcError::null_pointer("TableName is required"))?;
    if !catalog_ok(catalog) {
        return Ok(Vec::new());
    }
    Ok(cat
        .tables()
        .iter()
        .filter(|t| t.name.eq_ignore_ascii_case(name) && schema.as_deref().is_none_or(|s_| s_.is_empty() || s_.eq_ignore_ascii_case(t.product.schema_name())))
        .collect())
}

pub fn primary_keys(cat: &Catalog, catalog: Option<String>, schema: Option<String>, table: Option<String>) -> OdbcResult<ResultSet> {
    const COLS: &[(&str, Col)] = &[
        ("TABLE_CAT", Col::Text),
        ("TABLE_SCHEM", Col::Text),
        ("TABLE_NAME", Col::Text),
        ("COLUMN_NAME", Col::Text),
        ("KEY_SEQ", Col::Small),
        ("PK_NAME", Col::Text),
    ];
    let mut rows = Vec::new();
    for t in one_table(cat, &catalog, &schema, &table)? {
        for (i, k) in t.key.iter().enumerate() {
            rows.push(vec![V::Null, s(t.product.schema_name()), s(t.name), s(*k), V::I(i as i64 + 1), s(format!("PK_{}", t.name))]);
        }
    }
    result(COLS, rows)
}

#[allow(clippy::too_many_arguments)]
pub fn foreign_keys(
    cat: &Catalog,
    pk: (Option<String>, Option<String>, Option<String>),
    fk: (Option<String>, Option<String>, Option<String>),
) -> OdbcResult<ResultSet> {
    const COLS: &[(&str, Col)] = &[
        ("PKTABLE_CAT", Col::Text),
        ("PKTABLE_SCHEM", Col::Text),
        ("PKTABLE_NAME", Col::Text),
        ("PKCOLUMN_NAME", Col::Text),
        ("FKTABLE_CAT", Col::Text),
        ("FKTABLE_SCHEM", Col::Text),
        ("FKTABLE_NAME", Col::Text),
        ("FKCOLUMN_NAME", Col::Text),
        ("KEY_SEQ", Col::Small),
        ("UPDATE_RULE", Col::Small),
        ("DELETE_RULE", Col::Small),
        ("FK_NAME", Col::Text),
        ("PK_NAME", Col::Text),
        ("DEFERRABILITY", Col::Small),
    ];
    if pk.2.is_none() && fk.2.is_none() {
        return Err(OdbcError::null_pointer("PKTableName and FKTableName are both null"));
    }
    let name_ok = |want: &Option<String>, got: &str| want.as_deref().is_none_or(|w| w.is_empty() || w.eq_ignore_ascii_case(got));
    let mut rows = Vec::new();
    if catalog_ok(&pk.0) && catalog_ok(&fk.0) {
        for t in cat.tables() {
            if !(name_ok(&fk.1, t.product.schema_name()) && name_ok(&fk.2, t.name)) {
                continue;
            }
            for f in t.foreign_keys {
                let (p_product, p_table, p_col) = f.references;
                if !(name_ok(&pk.1, p_product.schema_name()) && name_ok(&pk.2, p_table)) {
                    continue;
                }
                rows.push(vec![
                    V::Null,
                    s(p_product.schema_name()),
                    s(p_table),
                    s(p_col),
                    V::Null,
                    s(t.product.schema_name()),
                    s(t.name),
                    s(f.column),
                    V::I(1),
                    V::I(3), // SQL_NO_ACTION
                    V::I(3),
                    s(format!("FK_{}_{}", t.name, f.column)),
                    s(format!("PK_{p_table}")),
                    V::I(7), // SQL_NOT_DEFERRABLE
                ]);
            }
        }
    }
    result(COLS, rows)
}

pub fn statistics(cat: &Catalog, catalog: Option<String>, schema: Option<String>, table: Option<String>) -> OdbcResult<ResultSet> {
    const COLS: &[(&str, Col)] = &[
        ("TABLE_CAT", Col::Text),
        ("TABLE_SCHEM", Col::Text),
        ("TABLE_NAME", Col::Text),
        ("NON_UNIQUE", Col::Small),
        ("INDEX_QUALIFIER", Col::Text),
        ("INDEX_NAME", Col::Text),
        ("TYPE", Col::Small),
        ("ORDINAL_POSITION", Col::Small),
        ("COLUMN_NAME", Col::Text),
        ("ASC_OR_DESC", Col::Text),
        ("CARDINALITY", Col::Int),
        ("PAGES", Col::Int),
        ("FILTER_CONDITION", Col::Text),
    ];
    let mut rows = Vec::new();
    for t in one_table(cat, &catalog, &schema, &table)? {
        for (i, k) in t.key.iter().enumerate() {
            // The key identifies a row uniquely; there is no physical index (SQL_INDEX_OTHER).
            rows.push(vec![
                V::Null,
                s(t.product.schema_name()),
                s(t.name),
                V::I(0),
                V::Null,
                s(format!("PK_{}", t.name)),
                V::I(3),
                V::I(i as i64 + 1),
                s(*k),
                V::Null,
                V::Null,
                V::Null,
                V::Null,
            ]);
        }
    }
    result(COLS, rows)
}

pub fn special_columns(cat: &Catalog, id_type: u16, catalog: Option<String>, schema: Option<String>, table: Option<String>) -> OdbcResult<ResultSet> {
    const COLS: &[(&str, Col)] = &[
        ("SCOPE", Col::Small),
        ("COLUMN_NAME", Col::Text),
        ("DATA_TYPE", Col::Small),
        ("TYPE_NAME", Col::Text),
        ("COLUMN_SIZE", Col::Int),
        ("BUFFER_LENGTH", Col::Int),
        ("DECIMAL_DIGITS", Col::Small),
        ("PSEUDO_COLUMN", Col::Small),
    ];
    let mut rows = Vec::new();
    // SQL_BEST_ROWID (1): the key. SQL_ROWVER (2): nothing changes automatically on update.
    match id_type {
        1 => {
            for t in one_table(cat, &catalog, &schema, &table)? {
                let metas = column_metas(t);
                for k in t.key {
                    let Some(i) = t.columns.iter().position(|c| c.name == *k) else { continue };
                    let m = &metas[i];
                    rows.push(vec![
                        V::I(2),
                        s(*k),
                        V::I(m.sql_type.into()),
                        s(m.type_name),
                        V::I(clamp(m.column_size)),
                        V::I(clamp(m.octet_length)),
                        V::I(m.decimal_digits.into()),
                        V::I(1),
                    ]);
                }
            }
        }
        2 => {}
        other => return Err(OdbcError::new(SqlState::COLUMN_TYPE_OUT_OF_RANGE, format!("Column type out of range: IdentifierType {other}"))),
    }
    result(COLS, rows)
}

pub fn procedures(procs: &[ProcedureDef], procedure: Pattern) -> OdbcResult<ResultSet> {
    const COLS: &[(&str, Col)] = &[
        ("PROCEDURE_CAT", Col::Text),
        ("PROCEDURE_SCHEM", Col::Text),
        ("PROCEDURE_NAME", Col::Text),
        ("NUM_INPUT_PARAMS", Col::Int),
        ("NUM_OUTPUT_PARAMS", Col::Int),
        ("NUM_RESULT_SETS", Col::Int),
        ("REMARKS", Col::Text),
        ("PROCEDURE_TYPE", Col::Small),
    ];
    let rows = procs
        .iter()
        .filter(|p| procedure.matches(p.name))
        // SQL_PT_PROCEDURE (1): each returns one result set and no return value.
        .map(|p| vec![V::Null, s(p.product.schema_name()), s(p.name), V::I(p.params.len() as i64), V::I(0), V::I(1), s(p.remarks), V::I(1)])
        .collect();
    result(COLS, rows)
}

/// A procedure parameter as a column, for its ODBC type metadata.
fn param_column(p: &sql_mapper::procedures::ParamDef) -> sql_mapper::catalog::ColumnDef {
    sql_mapper::catalog::ColumnDef::new(p.name, p.sql_type, !p.required, sql_mapper::catalog::at(""), p.remarks)
}

pub fn procedure_columns(procs: &[ProcedureDef], procedure: Pattern, column: Pattern) -> OdbcResult<ResultSet> {
    const COLS: &[(&str, Col)] = &[
        ("PROCEDURE_CAT", Col::Text),
        ("PROCEDURE_SCHEM", Col::Text),
        ("PROCEDURE_NAME", Col::Text),
        ("COLUMN_NAME", Col::Text),
        ("COLUMN_TYPE", Col::Small),
        ("DATA_TYPE", Col::Small),
        ("TYPE_NAME", Col::Text),
        ("COLUMN_SIZE", Col::Int),
        ("BUFFER_LENGTH", Col::Int),
        ("DECIMAL_DIGITS", Col::Small),
        ("NUM_PREC_RADIX", Col::Small),
        ("NULLABLE", Col::Small),
        ("REMARKS", Col::Text),
        ("COLUMN_DEF", Col::Text),
        ("SQL_DATA_TYPE", Col::Small),
        ("SQL_DATETIME_SUB", Col::Small),
        ("CHAR_OCTET_LENGTH", Col::Int),
        ("ORDINAL_POSITION", Col::Int),
        ("IS_NULLABLE", Col::Text),
    ];
    const SQL_PARAM_INPUT: i64 = 1;
    const SQL_RESULT_COL: i64 = 3;
    let mut rows = Vec::new();
    for p in procs.iter().filter(|p| procedure.matches(p.name)) {
        let params = p.params.iter().map(|d| (param_column(d), SQL_PARAM_INPUT));
        let results = p.result.iter().cloned().map(|c| (c, SQL_RESULT_COL));
        let mut ordinal = [0i64; 4];
        for (def, kind) in params.chain(results) {
            ordinal[kind as usize] += 1;
            if !column.matches(&def.name) {
                continue;
            }
            let m = ColumnMeta::from_field(&sql_mapper::scan::column_field(p.product, p.name, &def));
            let mut row = vec![V::Null, s(p.product.schema_name()), s(p.name), s(def.name.clone()), V::I(kind)];
            row.extend(type_columns(&m, &def, m.sql_type, ordinal[kind as usize]));
            rows.push(row);
        }
    }
    result(COLS, rows)
}

/// `SQLGetTypeInfo`: the types the driver speaks, ordered by DATA_TYPE.
pub fn type_info(data_type: i16, odbc_version: i32) -> OdbcResult<ResultSet> {
    const COLS: &[(&str, Col)] = &[
        ("TYPE_NAME", Col::Text),
        ("DATA_TYPE", Col::Small),
        ("COLUMN_SIZE", Col::Int),
        ("LITERAL_PREFIX", Col::Text),
        ("LITERAL_SUFFIX", Col::Text),
        ("CREATE_PARAMS", Col::Text),
        ("NULLABLE", Col::Small),
        ("CASE_SENSITIVE", Col::Small),
        ("SEARCHABLE", Col::Small),
        ("UNSIGNED_ATTRIBUTE", Col::Small),
        ("FIXED_PREC_SCALE", Col::Small),
        ("AUTO_UNIQUE_VALUE", Col::Small),
        ("LOCAL_TYPE_NAME", Col::Text),
        ("MINIMUM_SCALE", Col::Small),
        ("MAXIMUM_SCALE", Col::Small),
        ("SQL_DATA_TYPE", Col::Small),
        ("SQL_DATETIME_SUB", Col::Small),
        ("NUM_PREC_RADIX", Col::Int),
        ("INTERVAL_PRECISION", Col::Small),
    ];
    let long = crate::types::LONG_TEXT_SIZE as i64;
    let (date, time, ts) =
        if odbc_version == 2 { (sql::DATE_V2, sql::TIME_V2, sql::TIMESTAMP_V2) } else { (sql::TYPE_DATE, sql::TYPE_TIME, sql::TYPE_TIMESTAMP) };
    // name, type, size, prefix, suffix, create params, case sensitive, searchable (3 = all, 2 = all but LIKE), unsigned, scale range, radix
    type Row =
        (&'static str, i16, i64, Option<&'static str>, Option<&'static str>, Option<&'static str>, i64, i64, Option<i64>, Option<(i64, i64)>, Option<i64>);
    let all: Vec<Row> = vec![
        ("LONGVARCHAR", sql::WLONGVARCHAR, long, Some("'"), Some("'"), None, 1, 3, None, None, None),
        ("VARCHAR", sql::WVARCHAR, 65535, Some("'"), Some("'"), Some("max length"), 1, 3, None, None, None),
        ("CHAR", sql::WCHAR, 65535, Some("'"), Some("'"), Some("length"), 1, 3, None, None, None),
        ("BOOLEAN", sql::BIT, 1, None, None, None, 0, 2, None, None, None),
        ("TINYINT", sql::TINYINT, 3, None, None, None, 0, 2, Some(0), Some((0, 0)), Some(10)),
        ("BIGINT", sql::BIGINT, 19, None, None, None, 0, 2, Some(0), Some((0, 0)), Some(10)),
        ("VARBINARY", sql::VARBINARY, 65535, Some("X'"), Some("'"), Some("max length"), 0, 2, None, None, None),
        ("LONGVARCHAR", sql::LONGVARCHAR, long, Some("'"), Some("'"), None, 1, 3, None, None, None),
        ("CHAR", sql::CHAR, 65535, Some("'"), Some("'"), Some("length"), 1, 3, None, None, None),
        ("DECIMAL", sql::DECIMAL, 38, None, None, Some("precision,scale"), 0, 2, Some(0), Some((0, 38)), Some(10)),
        ("INTEGER", sql::INTEGER, 10, None, None, None, 0, 2, Some(0), Some((0, 0)), Some(10)),
        ("SMALLINT", sql::SMALLINT, 5, None, None, None, 0, 2, Some(0), Some((0, 0)), Some(10)),
        ("REAL", sql::REAL, 7, None, None, None, 0, 2, Some(0), None, Some(10)),
        ("DOUBLE", sql::DOUBLE, 15, None, None, None, 0, 2, Some(0), None, Some(10)),
        ("VARCHAR", sql::VARCHAR, 65535, Some("'"), Some("'"), Some("max length"), 1, 3, None, None, None),
        ("DATE", date, 10, Some("DATE '"), Some("'"), None, 0, 2, None, None, None),
        ("TIME", time, 8, Some("TIME '"), Some("'"), None, 0, 2, None, None, None),
        ("TIMESTAMP", ts, 26, Some("TIMESTAMP '"), Some("'"), None, 0, 2, None, Some((0, 6)), None),
    ];
    let mut rows: Vec<Row> = all.into_iter().filter(|r| data_type == 0 || r.1 == data_type).collect();
    rows.sort_by_key(|r| r.1);
    let opt = |o: Option<&str>| o.map_or(V::Null, s);
    let rows = rows
        .into_iter()
        .map(|(name, ty, size, pre, suf, create, cs, search, unsigned, scale, radix)| {
            let (verbose, sub) = match ty {
                sql::TYPE_DATE => (sql::DATETIME, 1),
                sql::TYPE_TIME => (sql::DATETIME, 2),
                sql::TYPE_TIMESTAMP => (sql::DATETIME, 3),
                t => (t, 0),
            };
            vec![
                s(name),
                V::I(ty.into()),
                V::I(size),
                opt(pre),
                opt(suf),
                opt(create),
                V::I(1),
                V::I(cs),
                V::I(search),
                unsigned.map_or(V::Null, V::I),
                V::I(0),
                if radix.is_some() { V::I(0) } else { V::Null },
                s(name),
                scale.map_or(V::Null, |x| V::I(x.0)),
                scale.map_or(V::Null, |x| V::I(x.1)),
                V::I(verbose.into()),
                if sub != 0 { V::I(sub) } else { V::Null },
                radix.map_or(V::Null, V::I),
                V::Null,
            ]
        })
        .collect();
    result(COLS, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_follow_odbc_rules() {
        let p = |t: &str| Pattern::new(Some(t.to_string()), false);
        assert!(p("iss%").matches("Issues"));
        assert!(p("_ssues").matches("Issues"));
        assert!(!p("Issue").matches("Issues"));
        assert!(p("My\\_Table").matches("My_Table"));
        assert!(!p("My\\_Table").matches("MyXTable"));
        assert!(Pattern::new(None, false).matches("x"));
        assert!(Pattern::new(Some("issues".into()), true).matches("Issues"));
        assert!(!Pattern::new(Some("iss%".into()), true).matches("Issues"));
    }
}
