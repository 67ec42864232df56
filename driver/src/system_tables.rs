//! The connection's metadata as SQL, for scripts, SQL-first tools and users of the commercial
//! drivers: `information_schema` (tables, columns, views, schemata, routines, parameters) and
//! the `sys` tables those drivers document (`sys_tables`, `sys_tablecolumns`, ...; also by their
//! bare names). They are views over the very rows the catalog functions return (`SQLTables`,
//! `SQLColumns`, `SQLPrimaryKeys`, `SQLForeignKeys`, `SQLStatistics`, `SQLProcedures`,
//! `SQLProcedureColumns`, kept as `sys."SQLTables"` and so on), so the two cannot disagree; and
//! `sys_connection_props` and `sys_sqlinfo` show the properties and `SQLGetInfo`.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanBuilder, Int32Builder, StringBuilder};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use sql_mapper::MapperSession;

use crate::catalog_results::{self, Pattern};
use crate::connection::SiteInfo;
use crate::connstr::Properties;
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::info::InfoValue;

fn all() -> Pattern {
    Pattern::new(None, false)
}

fn internal(e: impl std::fmt::Display) -> OdbcError {
    OdbcError::new(SqlState::GENERAL, format!("cannot build the system tables: {e}"))
}

/// One catalog function's rows as one batch.
fn rows_of(results: Vec<crate::statement::ResultSet>) -> OdbcResult<RecordBatch> {
    let batches: Vec<RecordBatch> = results.into_iter().flat_map(|r| r.into_batches().unwrap_or_default()).collect();
    let schema = batches.first().map(|b| b.schema()).ok_or_else(|| internal("a catalog function returned no result"))?;
    concat_batches(&schema, &batches).map_err(internal)
}

/// `sys_tablecolumns`' columns the catalog functions do not carry: whether a column can be
/// written, and whether it is part of the table's key.
fn column_facts(session: &MapperSession) -> OdbcResult<RecordBatch> {
    let (mut schema, mut table, mut column, mut writable, mut key) =
        (StringBuilder::new(), StringBuilder::new(), StringBuilder::new(), BooleanBuilder::new(), BooleanBuilder::new());
    for t in session.browsable_catalog().tables() {
        for c in &t.columns {
            schema.append_value(t.product.schema_name());
            table.append_value(t.name);
            column.append_value(&c.name);
            writable.append_value(c.write.is_some() && t.writes.is_some());
            key.append_value(t.key.contains(&c.name.as_str()));
        }
    }
    let fields = vec![
        Field::new("SchemaName", DataType::Utf8, false),
        Field::new("TableName", DataType::Utf8, false),
        Field::new("ColumnName", DataType::Utf8, false),
        Field::new("IsWritable", DataType::Boolean, false),
        Field::new("IsKey", DataType::Boolean, false),
    ];
    let arrays: Vec<ArrayRef> =
        vec![Arc::new(schema.finish()), Arc::new(table.finish()), Arc::new(column.finish()), Arc::new(writable.finish()), Arc::new(key.finish())];
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(internal)
}

/// Every property the driver knows, with this connection's value (secrets masked).
fn connection_props(props: &Properties) -> OdbcResult<RecordBatch> {
    let (mut name, mut default, mut value, mut description, mut sensitive, mut ordinal) =
        (StringBuilder::new(), StringBuilder::new(), StringBuilder::new(), StringBuilder::new(), BooleanBuilder::new(), Int32Builder::new());
    for (i, p) in crate::properties::PROPERTIES.iter().enumerate() {
        name.append_value(p.name);
        default.append_value(p.default);
        let given = std::iter::once(p.name).chain(p.aliases.iter().copied()).find_map(|k| props.get(&k.to_ascii_lowercase()));
        let secret = crate::connstr::is_secret(p.name);
        match given {
            Some(_) if secret => value.append_value("********"),
            Some(v) => value.append_value(v),
            None => value.append_null(),
        }
        description.append_value(p.meaning);
        sensitive.append_value(secret);
        ordinal.append_value(i as i32 + 1);
    }
    let fields = vec![
        Field::new("Name", DataType::Utf8, false),
        Field::new("Default", DataType::Utf8, false),
        Field::new("Value", DataType::Utf8, true),
        Field::new("ShortDescription", DataType::Utf8, false),
        Field::new("IsSensitive", DataType::Boolean, false),
        Field::new("Ordinal", DataType::Int32, false),
    ];
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(name.finish()),
        Arc::new(default.finish()),
        Arc::new(value.finish()),
        Arc::new(description.finish()),
        Arc::new(sensitive.finish()),
        Arc::new(ordinal.finish()),
    ];
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(internal)
}

/// `SQLGetInfo`'s answers, by their names in sql.h/sqlext.h.
fn sql_info(site: &SiteInfo) -> OdbcResult<RecordBatch> {
    let (mut name, mut id, mut value) = (StringBuilder::new(), Int32Builder::new(), StringBuilder::new());
    for (n, code) in crate::info::NAMED {
        let Some(v) = crate::info::get_info(*code, site, (0, 0)) else { continue };
        name.append_value(n);
        id.append_value(i32::from(*code));
        value.append_value(match v {
            InfoValue::Str(s) => s,
            InfoValue::U16(x) => x.to_string(),
            InfoValue::U32(x) => x.to_string(),
            InfoValue::ULen(x) => x.to_string(),
        });
    }
    let fields = vec![Field::new("Name", DataType::Utf8, false), Field::new("Id", DataType::Int32, false), Field::new("Value", DataType::Utf8, false)];
    let arrays: Vec<ArrayRef> = vec![Arc::new(name.finish()), Arc::new(id.finish()), Arc::new(value.finish())];
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(internal)
}

/// The views, over the raw rows above: (schema, name, SQL). Column names follow the
/// commercial drivers' documentation of their system tables.
const VIEWS: &[(&str, &str, &str)] = &[
    ("sys", "sys_schemas", r#"SELECT DISTINCT CAST(NULL AS VARCHAR) AS "CatalogName", "TABLE_SCHEM" AS "SchemaName" FROM "sys"."SQLTables""#),
    (
        "sys",
        "sys_tables",
        r#"SELECT t."TABLE_CAT" AS "CatalogName", t."TABLE_SCHEM" AS "SchemaName", t."TABLE_NAME" AS "TableName", t."TABLE_TYPE" AS "TableType", t."REMARKS" AS "Description", EXISTS (SELECT 1 FROM "sys"."column_facts" f WHERE f."SchemaName" = t."TABLE_SCHEM" AND f."TableName" = t."TABLE_NAME" AND f."IsWritable") AS "IsUpdateable" FROM "sys"."SQLTables" t"#,
    ),
    (
        "sys",
        "sys_tablecolumns",
        r#"SELECT c."TABLE_CAT" AS "CatalogName", c."TABLE_SCHEM" AS "SchemaName", c."TABLE_NAME" AS "TableName", c."COLUMN_NAME" AS "ColumnName", c."TYPE_NAME" AS "DataTypeName", CAST(c."DATA_TYPE" AS INT) AS "DataType", c."COLUMN_SIZE" AS "Length", CASE WHEN c."NUM_PREC_RADIX" IS NULL THEN c."COLUMN_SIZE" ELSE c."COLUMN_SIZE" END AS "NumericPrecision", CAST(c."DECIMAL_DIGITS" AS INT) AS "NumericScale", c."NULLABLE" = 1 AS "IsNullable", c."REMARKS" AS "Description", c."ORDINAL_POSITION" AS "Ordinal", 'NO' AS "IsAutoIncrement", 'NO' AS "IsGeneratedColumn", NOT f."IsWritable" AS "IsReadOnly", f."IsKey" AS "IsKey", false AS "IsHidden" FROM "sys"."SQLColumns" c JOIN "sys"."column_facts" f ON f."SchemaName" = c."TABLE_SCHEM" AND f."TableName" = c."TABLE_NAME" AND f."ColumnName" = c."COLUMN_NAME""#,
    ),
    (
        "sys",
        "sys_primarykeys",
        r#"SELECT "TABLE_CAT" AS "CatalogName", "TABLE_SCHEM" AS "SchemaName", "TABLE_NAME" AS "TableName", "COLUMN_NAME" AS "ColumnName", CAST("KEY_SEQ" AS INT) AS "KeySeq", "PK_NAME" AS "KeyName" FROM "sys"."SQLPrimaryKeys""#,
    ),
    (
        "sys",
        "sys_foreignkeys",
        r#"SELECT "FKTABLE_CAT" AS "CatalogName", "FKTABLE_SCHEM" AS "SchemaName", "FKTABLE_NAME" AS "TableName", "FKCOLUMN_NAME" AS "ColumnName", "PK_NAME" AS "PrimaryKeyName", "FK_NAME" AS "ForeignKeyName", "PKTABLE_CAT" AS "ReferencedCatalogName", "PKTABLE_SCHEM" AS "ReferencedSchemaName", "PKTABLE_NAME" AS "ReferencedTableName", "PKCOLUMN_NAME" AS "ReferencedColumnName", 'FOREIGNKEY' AS "ForeignKeyType" FROM "sys"."SQLForeignKeys""#,
    ),
    (
        "sys",
        "sys_keycolumns",
        r#"SELECT c."TABLE_CAT" AS "CatalogName", c."TABLE_SCHEM" AS "SchemaName", c."TABLE_NAME" AS "TableName", c."COLUMN_NAME" AS "ColumnName", p."COLUMN_NAME" IS NOT NULL AS "IsKey", fk."FKCOLUMN_NAME" IS NOT NULL AS "IsForeignKey", p."PK_NAME" AS "PrimaryKeyName", fk."FK_NAME" AS "ForeignKeyName", fk."PKTABLE_CAT" AS "ReferencedCatalogName", fk."PKTABLE_SCHEM" AS "ReferencedSchemaName", fk."PKTABLE_NAME" AS "ReferencedTableName", fk."PKCOLUMN_NAME" AS "ReferencedColumnName" FROM "sys"."SQLColumns" c LEFT JOIN "sys"."SQLPrimaryKeys" p ON p."TABLE_SCHEM" = c."TABLE_SCHEM" AND p."TABLE_NAME" = c."TABLE_NAME" AND p."COLUMN_NAME" = c."COLUMN_NAME" LEFT JOIN "sys"."SQLForeignKeys" fk ON fk."FKTABLE_SCHEM" = c."TABLE_SCHEM" AND fk."FKTABLE_NAME" = c."TABLE_NAME" AND fk."FKCOLUMN_NAME" = c."COLUMN_NAME" WHERE p."COLUMN_NAME" IS NOT NULL OR fk."FKCOLUMN_NAME" IS NOT NULL"#,
    ),
    (
        "sys",
        "sys_indexes",
        r#"SELECT "TABLE_CAT" AS "CatalogName", "TABLE_SCHEM" AS "SchemaName", "TABLE_NAME" AS "TableName", "INDEX_NAME" AS "IndexName", "COLUMN_NAME" AS "ColumnName", "NON_UNIQUE" = 0 AS "IsUnique", true AS "IsPrimary", CAST("TYPE" AS INT) AS "Type", "ASC_OR_DESC" AS "SortOrder", "FILTER_CONDITION" AS "FilterCondition", CAST("ORDINAL_POSITION" AS INT) AS "OrdinalPosition" FROM "sys"."SQLStatistics""#,
    ),
    (
        "sys",
        "sys_procedures",
        r#"SELECT "PROCEDURE_CAT" AS "CatalogName", "PROCEDURE_SCHEM" AS "SchemaName", "PROCEDURE_NAME" AS "ProcedureName", "REMARKS" AS "Description", 'STOREDPROCEDURE' AS "ProcedureType" FROM "sys"."SQLProcedures""#,
    ),
    (
        "sys",
        "sys_procedureparameters",
        r#"SELECT "PROCEDURE_CAT" AS "CatalogName", "PROCEDURE_SCHEM" AS "SchemaName", "PROCEDURE_NAME" AS "ProcedureName", "COLUMN_NAME" AS "ColumnName", CAST("COLUMN_TYPE" AS INT) AS "Direction", "TYPE_NAME" AS "DataTypeName", CAST("DATA_TYPE" AS INT) AS "DataType", "COLUMN_SIZE" AS "Length", "COLUMN_SIZE" AS "NumericPrecision", CAST("DECIMAL_DIGITS" AS INT) AS "NumericScale", "NULLABLE" = 1 AS "IsNullable", "NULLABLE" = 0 AS "IsRequired", false AS "IsArray", "REMARKS" AS "Description", "ORDINAL_POSITION" AS "Ordinal" FROM "sys"."SQLProcedureColumns" WHERE "COLUMN_TYPE" = 1"#,
    ),
    // This driver keeps no record of past modifications' generated keys: an empty table of
    // the documented shape (writes report theirs through RETURNING).
    (
        "sys",
        "sys_identity",
        r#"SELECT CAST(NULL AS VARCHAR) AS "Id", CAST(NULL AS VARCHAR) AS "Batch", CAST(NULL AS VARCHAR) AS "Operation", CAST(NULL AS VARCHAR) AS "Message" WHERE false"#,
    ),
    (
        "information_schema",
        "schemata",
        r#"SELECT DISTINCT CAST(NULL AS VARCHAR) AS "catalog_name", "TABLE_SCHEM" AS "schema_name", CAST(NULL AS VARCHAR) AS "schema_owner" FROM "sys"."SQLTables""#,
    ),
    (
        "information_schema",
        "tables",
        r#"SELECT "TABLE_CAT" AS "table_catalog", "TABLE_SCHEM" AS "table_schema", "TABLE_NAME" AS "table_name", CASE "TABLE_TYPE" WHEN 'TABLE' THEN 'BASE TABLE' ELSE "TABLE_TYPE" END AS "table_type", "REMARKS" AS "remarks" FROM "sys"."SQLTables""#,
    ),
    (
        "information_schema",
        "columns",
        r#"SELECT "TABLE_CAT" AS "table_catalog", "TABLE_SCHEM" AS "table_schema", "TABLE_NAME" AS "table_name", "COLUMN_NAME" AS "column_name", "ORDINAL_POSITION" AS "ordinal_position", "COLUMN_DEF" AS "column_default", "IS_NULLABLE" AS "is_nullable", "TYPE_NAME" AS "data_type", CASE WHEN "CHAR_OCTET_LENGTH" IS NOT NULL THEN "COLUMN_SIZE" END AS "character_maximum_length", "CHAR_OCTET_LENGTH" AS "character_octet_length", CASE WHEN "NUM_PREC_RADIX" IS NOT NULL THEN "COLUMN_SIZE" END AS "numeric_precision", CAST("NUM_PREC_RADIX" AS INT) AS "numeric_precision_radix", CAST("DECIMAL_DIGITS" AS INT) AS "numeric_scale", CASE WHEN "SQL_DATETIME_SUB" IS NOT NULL THEN CAST("DECIMAL_DIGITS" AS INT) END AS "datetime_precision", "REMARKS" AS "remarks" FROM "sys"."SQLColumns""#,
    ),
    (
        "information_schema",
        "views",
        r#"SELECT CAST(NULL AS VARCHAR) AS "table_catalog", CAST(NULL AS VARCHAR) AS "table_schema", CAST(NULL AS VARCHAR) AS "table_name", CAST(NULL AS VARCHAR) AS "view_definition" WHERE false"#,
    ),
    (
        "information_schema",
        "routines",
        r#"SELECT "PROCEDURE_CAT" AS "specific_catalog", "PROCEDURE_SCHEM" AS "specific_schema", "PROCEDURE_NAME" AS "specific_name", "PROCEDURE_CAT" AS "routine_catalog", "PROCEDURE_SCHEM" AS "routine_schema", "PROCEDURE_NAME" AS "routine_name", 'PROCEDURE' AS "routine_type", CAST(NULL AS VARCHAR) AS "data_type", "REMARKS" AS "remarks" FROM "sys"."SQLProcedures""#,
    ),
    (
        "information_schema",
        "parameters",
        r#"SELECT "PROCEDURE_CAT" AS "specific_catalog", "PROCEDURE_SCHEM" AS "specific_schema", "PROCEDURE_NAME" AS "specific_name", "ORDINAL_POSITION" AS "ordinal_position", 'IN' AS "parameter_mode", "COLUMN_NAME" AS "parameter_name", "TYPE_NAME" AS "data_type", CASE WHEN "CHAR_OCTET_LENGTH" IS NOT NULL THEN "COLUMN_SIZE" END AS "character_maximum_length", "REMARKS" AS "remarks" FROM "sys"."SQLProcedureColumns" WHERE "COLUMN_TYPE" = 1"#,
    ),
];

/// Offers the system tables and `information_schema` to a session just connected: made and
/// registered when a statement first names one.
pub fn offer(session: &MapperSession, props: &Properties, site: &SiteInfo) {
    let (props, site) = (props.clone(), site.clone());
    session.offer_system_relations(Box::new(move |s| relations(s, &props, &site).map_err(|e| e.message)));
}

fn relations(session: &MapperSession, props: &Properties, site: &SiteInfo) -> OdbcResult<sql_mapper::SystemRelations> {
    let cat = session.browsable_catalog();
    let procs = session.procedures();
    let per_table = |f: &dyn Fn(&sql_mapper::catalog::TableDef) -> OdbcResult<crate::statement::ResultSet>| -> OdbcResult<RecordBatch> {
        rows_of(cat.tables().iter().map(f).collect::<OdbcResult<Vec<_>>>()?)
    };
    let table_of = |t: &sql_mapper::catalog::TableDef| (Some(t.product.schema_name().to_string()), Some(t.name.to_string()));
    let tables = vec![
        ("sys", "SQLTables".to_string(), rows_of(vec![catalog_results::tables(cat, None, all(), all(), None)?])?),
        ("sys", "SQLColumns".to_string(), rows_of(vec![catalog_results::columns(cat, None, all(), all(), all(), 3)?])?),
        (
            "sys",
            "SQLPrimaryKeys".to_string(),
            per_table(&|t| {
                let (s, n) = table_of(t);
                catalog_results::primary_keys(cat, None, s, n)
            })?,
        ),
        (
            "sys",
            "SQLForeignKeys".to_string(),
            per_table(&|t| {
                let (s, n) = table_of(t);
                catalog_results::foreign_keys(cat, (None, None, None), (None, s, n))
            })?,
        ),
        (
            "sys",
            "SQLStatistics".to_string(),
            per_table(&|t| {
                let (s, n) = table_of(t);
                catalog_results::statistics(cat, None, s, n)
            })?,
        ),
        ("sys", "SQLProcedures".to_string(), rows_of(vec![catalog_results::procedures(procs, all())?])?),
        ("sys", "SQLProcedureColumns".to_string(), rows_of(vec![catalog_results::procedure_columns(procs, all(), all())?])?),
        ("sys", "column_facts".to_string(), column_facts(session)?),
        ("sys", "sys_connection_props".to_string(), connection_props(props)?),
        ("sys", "sys_sqlinfo".to_string(), sql_info(site)?),
    ];
    let views = VIEWS.iter().map(|(s, n, sql)| (*s, n.to_string(), sql.to_string())).collect();
    Ok((tables, views))
}
