//! JSON items of a REST page → an Arrow `RecordBatch`, column by column as the catalog declares.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder, StringBuilder, TimestampMillisecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::Value;

use crate::catalog::{ColumnDef, Extract, SqlType, TableDef};
use crate::{MapperError, SqlState};

pub fn arrow_type(t: SqlType) -> DataType {
    match t {
        SqlType::Varchar(_) | SqlType::LongVarchar | SqlType::LongText(_) => DataType::Utf8,
        SqlType::BigInt => DataType::Int64,
        SqlType::Integer => DataType::Int32,
        SqlType::Double => DataType::Float64,
        SqlType::Bit => DataType::Boolean,
        SqlType::Date => DataType::Date32,
        SqlType::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
    }
}

/// The table's Arrow schema. Field metadata carries what Arrow types cannot say and the driver
/// reports through ODBC: declared text length, long text, the base table and schema.
pub fn schema_of(table: &TableDef) -> SchemaRef {
    Arc::new(Schema::new(table.columns.iter().map(|c| column_field(table.product, table.name, c)).collect::<Vec<_>>()))
}

/// One column as an Arrow field of `owner` (a table or procedure) in `product`'s schema.
pub fn column_field(product: crate::catalog::Product, owner: &str, c: &ColumnDef) -> Field {
    let mut md = HashMap::from([("odbc.table".to_string(), owner.to_string()), ("odbc.schema".to_string(), product.schema_name().to_string())]);
    match c.sql_type {
        SqlType::Varchar(n) => {
            md.insert("odbc.length".to_string(), n.to_string());
        }
        SqlType::LongVarchar => {
            md.insert("odbc.long".to_string(), "true".to_string());
        }
        SqlType::LongText(n) => {
            md.insert("odbc.long".to_string(), "true".to_string());
            md.insert("odbc.length".to_string(), n.to_string());
        }
        _ => {}
    }
    Field::new(c.name.as_str(), arrow_type(c.sql_type), true).with_metadata(md)
}

/// Builds batches of the full table schema, filling only the projected columns (the others are
/// nulls, never requested from the server).
pub struct BatchBuilder {
    schema: SchemaRef,
    columns: Vec<ColumnDef>,
    wanted: Vec<bool>,
    builders: Vec<Box<dyn ArrayBuilder>>,
    rows: usize,
}

fn builder_for(t: SqlType) -> Box<dyn ArrayBuilder> {
    match t {
        SqlType::Varchar(_) | SqlType::LongVarchar | SqlType::LongText(_) => Box::new(StringBuilder::new()),
        SqlType::BigInt => Box::new(Int64Builder::new()),
        SqlType::Integer => Box::new(Int32Builder::new()),
        SqlType::Double => Box::new(Float64Builder::new()),
        SqlType::Bit => Box::new(BooleanBuilder::new()),
        SqlType::Date => Box::new(Date32Builder::new()),
        SqlType::Timestamp => Box::new(TimestampMillisecondBuilder::new().with_timezone("UTC")),
    }
}

impl BatchBuilder {
    pub fn new(table: &TableDef, schema: SchemaRef, projection: Option<&[usize]>) -> BatchBuilder {
        let wanted = (0..table.columns.len()).map(|i| projection.is_none_or(|p| p.contains(&i))).collect();
        BatchBuilder { builders: table.columns.iter().map(|c| builder_for(c.sql_type)).collect(), schema, columns: table.columns.clone(), wanted, rows: 0 }
    }

    pub fn push(&mut self, item: &Value, context: &HashMap<String, Value>) -> Result<(), MapperError> {
        const NULL: Value = Value::Null;
        for (i, col) in self.columns.iter().enumerate() {
            // Borrowed from the page where the value is there as it is: no copy per cell.
            let value = if self.wanted[i] { extract(col, item, context) } else { Cow::Borrowed(&NULL) };
            append(self.builders[i].as_mut(), col, &value)?;
        }
        self.rows += 1;
        Ok(())
    }

    pub fn finish(&mut self) -> Result<RecordBatch, MapperError> {
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(|b| b.finish()).collect();
        self.rows = 0;
        RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| MapperError::new(SqlState::General, format!("cannot build a result batch: {e}")))
    }
}

/// One column's values (JSON, as the REST API gives them) as an Arrow array of its type.
pub(crate) fn column_from_json(col: &ColumnDef, values: &[Value]) -> Result<ArrayRef, MapperError> {
    let mut b = builder_for(col.sql_type);
    for v in values {
        append(b.as_mut(), col, v)?;
    }
    Ok(b.finish())
}

/// One cell as JSON, from whatever type the engine gave it.
pub(crate) fn cell_value(array: &dyn datafusion::arrow::array::Array, row: usize) -> Value {
    use datafusion::arrow::array::*;
    use datafusion::arrow::datatypes::{DataType, TimeUnit};
    use serde_json::json;
    // A typeless NULL (a parameter bound as NULL) is a `NullArray`, whose nulls are only logical.
    if array.logical_nulls().is_some_and(|n| n.is_null(row)) {
        return Value::Null;
    }
    let a = array.as_any();
    if let Some(a) = a.downcast_ref::<StringArray>() {
        return json!(a.value(row));
    }
    if let Some(a) = a.downcast_ref::<StringViewArray>() {
        return json!(a.value(row));
    }
    if let Some(a) = a.downcast_ref::<LargeStringArray>() {
        return json!(a.value(row));
    }
    if let Some(a) = a.downcast_ref::<Int64Array>() {
        return json!(a.value(row));
    }
    if let Some(a) = a.downcast_ref::<Int32Array>() {
        return json!(a.value(row));
    }
    if let Some(a) = a.downcast_ref::<Float64Array>() {
        return json!(a.value(row));
    }
    if let Some(a) = a.downcast_ref::<BooleanArray>() {
        return json!(a.value(row));
    }
    if let Some(a) = a.downcast_ref::<Date32Array>() {
        return a.value_as_date(row).map(|d| json!(d.format("%Y-%m-%d").to_string())).unwrap_or(Value::Null);
    }
    if let DataType::Timestamp(_, _) = array.data_type() {
        let ms = datafusion::arrow::compute::cast(&array.slice(row, 1), &DataType::Timestamp(TimeUnit::Millisecond, None)).ok();
        let ms = ms.as_ref().and_then(|m| m.as_any().downcast_ref::<TimestampMillisecondArray>()).map(|m| m.value(0));
        return ms.and_then(chrono::DateTime::from_timestamp_millis).map(|d| json!(d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())).unwrap_or(Value::Null);
    }
    if let Some(n) = datafusion::arrow::compute::cast(&array.slice(row, 1), &DataType::Float64)
        .ok()
        .and_then(|c| c.as_any().downcast_ref::<Float64Array>().map(|f| f.value(0)))
    {
        return json!(n);
    }
    json!(crate::display_cell(array, row))
}

fn pointer<'a>(item: &'a Value, p: &str) -> Option<&'a Value> {
    if p.is_empty() {
        Some(item)
    } else {
        item.pointer(p)
    }
}

fn extract<'a>(col: &ColumnDef, item: &'a Value, context: &'a HashMap<String, Value>) -> Cow<'a, Value> {
    const NULL: &Value = &Value::Null;
    match &col.extract {
        Extract::At(p) => Cow::Borrowed(pointer(item, p).unwrap_or(NULL)),
        Extract::AdfText(p) => match pointer(item, p) {
            None => Cow::Borrowed(NULL),
            Some(v @ (Value::Null | Value::String(_))) => Cow::Borrowed(v),
            Some(doc) => Cow::Owned(Value::String(crate::adf::plain_text(doc))),
        },
        Extract::MarkupText(p) => match pointer(item, p) {
            Some(Value::String(x)) => Cow::Owned(Value::String(crate::xhtml::plain_text(x))),
            _ => Cow::Borrowed(NULL),
        },
        Extract::AtWhen(p, test, expected) => match pointer(item, test) {
            Some(v) if crate::values::scalar_text(v) == *expected => Cow::Borrowed(pointer(item, p).unwrap_or(NULL)),
            _ => Cow::Borrowed(NULL),
        },
        Extract::JsonText(p) => match pointer(item, p) {
            None => Cow::Borrowed(NULL),
            Some(v @ Value::Null) => Cow::Borrowed(v),
            Some(v) => Cow::Owned(Value::String(v.to_string())),
        },
        Extract::Join(p, each) => match pointer(item, p).and_then(Value::as_array) {
            None => Cow::Borrowed(NULL),
            Some(arr) if arr.is_empty() => Cow::Borrowed(NULL),
            Some(arr) => {
                let parts: Vec<String> = arr.iter().filter_map(|x| pointer(x, each)).map(scalar_text).collect();
                Cow::Owned(Value::String(parts.join(",")))
            }
        },
        Extract::Context(k) => Cow::Borrowed(context.get(k.as_ref()).unwrap_or(NULL)),
        // The scan puts the key into items that name their space by id only.
        Extract::SpaceKey(_) => Cow::Borrowed(item.get("spaceKey").unwrap_or(NULL)),
        Extract::FirstOf(ps) => Cow::Borrowed(ps.iter().filter_map(|p| pointer(item, p)).find(|v| !v.is_null()).unwrap_or(NULL)),
        Extract::AtOrContext(p, k) => Cow::Borrowed(pointer(item, p).filter(|v| !v.is_null()).or_else(|| context.get(k.as_ref())).unwrap_or(NULL)),
    }
}

/// A parameter's value as JSON (a procedure's argument), as a cell of that type reads.
pub(crate) fn scalar_value_json(v: &datafusion::common::ScalarValue) -> Result<Value, crate::MapperError> {
    let array = v.to_array().map_err(|e| crate::MapperError::new(crate::SqlState::General, format!("cannot read a parameter value: {e}")))?;
    Ok(cell_value(array.as_ref(), 0))
}

fn type_error(col: &ColumnDef, v: &Value) -> MapperError {
    MapperError::new(SqlState::General, format!("the site returned {v} for column {} ({}), which does not fit its type", col.name, col.sql_type))
}

pub use crate::values::parse_timestamp_millis;
pub(crate) use crate::values::scalar_text;

fn append(b: &mut dyn ArrayBuilder, col: &ColumnDef, v: &Value) -> Result<(), MapperError> {
    let any = b.as_any_mut();
    match col.sql_type {
        SqlType::Varchar(_) | SqlType::LongVarchar | SqlType::LongText(_) => {
            let b = any.downcast_mut::<StringBuilder>().expect("string builder");
            match v {
                Value::Null => b.append_null(),
                Value::String(s) => b.append_value(s),
                other => b.append_value(other.to_string()),
            }
        }
        SqlType::BigInt => {
            let b = any.downcast_mut::<Int64Builder>().expect("int64 builder");
            match v {
                Value::Null => b.append_null(),
                Value::Number(n) => b.append_value(n.as_i64().ok_or_else(|| type_error(col, v))?),
                Value::String(s) => b.append_value(s.parse().map_err(|_| type_error(col, v))?),
                _ => return Err(type_error(col, v)),
            }
        }
        SqlType::Integer => {
            let b = any.downcast_mut::<Int32Builder>().expect("int32 builder");
            match v {
                Value::Null => b.append_null(),
                Value::Number(n) => b.append_value(n.as_i64().and_then(|x| i32::try_from(x).ok()).ok_or_else(|| type_error(col, v))?),
                Value::String(s) => b.append_value(s.parse().map_err(|_| type_error(col, v))?),
                _ => return Err(type_error(col, v)),
            }
        }
        SqlType::Double => {
            let b = any.downcast_mut::<Float64Builder>().expect("float64 builder");
            match v {
                Value::Null => b.append_null(),
                Value::Number(n) => b.append_value(n.as_f64().ok_or_else(|| type_error(col, v))?),
                Value::String(s) => b.append_value(s.parse().map_err(|_| type_error(col, v))?),
                _ => return Err(type_error(col, v)),
            }
        }
        SqlType::Bit => {
            let b = any.downcast_mut::<BooleanBuilder>().expect("boolean builder");
            match v {
                Value::Null => b.append_null(),
                Value::Bool(x) => b.append_value(*x),
                _ => return Err(type_error(col, v)),
            }
        }
        SqlType::Date => {
            let b = any.downcast_mut::<Date32Builder>().expect("date builder");
            match v {
                Value::Null => b.append_null(),
                Value::String(s) => {
                    let d = chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").map_err(|_| type_error(col, v))?;
                    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
                    b.append_value((d - epoch).num_days() as i32)
                }
                _ => return Err(type_error(col, v)),
            }
        }
        SqlType::Timestamp => {
            let b = any.downcast_mut::<TimestampMillisecondBuilder>().expect("timestamp builder");
            match v {
                Value::Null => b.append_null(),
                Value::String(s) => b.append_value(parse_timestamp_millis(s).ok_or_else(|| type_error(col, v))?),
                Value::Number(n) => b.append_value(n.as_i64().ok_or_else(|| type_error(col, v))?),
                _ => return Err(type_error(col, v)),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use datafusion::common::ScalarValue;
    use serde_json::{json, Value};

    #[test]
    fn parameters_bound_as_null_are_null() {
        assert_eq!(super::scalar_value_json(&ScalarValue::Null).unwrap(), Value::Null);
        assert_eq!(super::scalar_value_json(&ScalarValue::Utf8(None)).unwrap(), Value::Null);
        assert_eq!(super::scalar_value_json(&ScalarValue::Utf8(Some("x".into()))).unwrap(), json!("x"));
    }
}
