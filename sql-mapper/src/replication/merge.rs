//! A table's new state from its last one and a [`Delta`]: the old rows are read a batch at a
//! time from their files, those the delta's rules drop are left out, and the rows read from the
//! site are added; memory holds a batch and the delta, never the table.

use std::collections::HashSet;
use std::fs::File;

use datafusion::arrow::array::{new_null_array, Array, ArrayRef, BooleanArray, Int64Array, StringArray};
use datafusion::arrow::compute::{cast, filter_record_batch};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::arrow::ProjectionMask;

use crate::replica::{ReplicaStore, TableEntry, TableWriter};
use crate::{MapperError, SqlState};

/// What changed in a table since its last sync.
pub(crate) struct Delta {
    /// Rows read from the site: they replace the old rows the rules drop.
    pub fresh: Vec<RecordBatch>,
    pub drops: Vec<DropRule>,
    /// The issues' keys now, by id: the `IssueKey` of the old rows kept is rewritten from their
    /// `IssueId` (an issue moved to another project has a new key).
    pub issue_keys: Option<std::sync::Arc<std::collections::HashMap<i64, String>>>,
    /// Queries whose rows come after the merge (read from the site while it runs), and the ids
    /// they read again (which the rules drop).
    pub reread: Vec<String>,
    pub reread_ids: HashSet<i64>,
}

/// Which old rows go, by an integer column.
pub(crate) enum DropRule {
    /// Those whose value is one of these (changed: read again).
    In(&'static str, HashSet<i64>),
    /// Those whose value is none of these (gone from the site).
    NotIn(&'static str, HashSet<i64>),
}

impl DropRule {
    fn keeps(&self, b: &RecordBatch) -> Vec<bool> {
        let (col, set, wanted_in) = match self {
            DropRule::In(c, s) => (c, s, true),
            DropRule::NotIn(c, s) => (c, s, false),
        };
        // A row with no value there is kept: nothing says it changed.
        ints(b, col).into_iter().map(|v| v.is_none_or(|v| set.contains(&v) != wanted_in)).collect()
    }
}

fn merge_error(e: impl std::fmt::Display) -> MapperError {
    MapperError::new(SqlState::General, format!("the replica's rows could not be merged: {e}"))
}

/// A batch with exactly `schema`'s columns, by name: a column the batch lacks (a custom field
/// added since) is NULL, one of another type is cast.
pub(crate) fn fit(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, MapperError> {
    let columns: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .map(|field| match batch.column_by_name(field.name()) {
            Some(c) if c.data_type() == field.data_type() => Ok(c.clone()),
            Some(c) => cast(c, field.data_type()).or_else(|_| Ok(new_null_array(field.data_type(), batch.num_rows()))),
            None => Ok(new_null_array(field.data_type(), batch.num_rows())),
        })
        .collect::<Result<_, MapperError>>()?;
    RecordBatch::try_new(schema.clone(), columns).map_err(merge_error)
}

/// An integer column of a batch, row by row (all `None` when it has none).
pub(crate) fn ints(b: &RecordBatch, name: &str) -> Vec<Option<i64>> {
    match b.column_by_name(name).map(|c| cast(c, &DataType::Int64)) {
        Some(Ok(c)) => c.as_any().downcast_ref::<Int64Array>().map(|a| a.iter().collect()).unwrap_or_else(|| vec![None; b.num_rows()]),
        _ => vec![None; b.num_rows()],
    }
}

/// A text column of a batch, row by row (all `None` when it has none).
pub(crate) fn texts(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    match b.column_by_name(name).map(|c| cast(c, &DataType::Utf8)) {
        Some(Ok(c)) => {
            c.as_any().downcast_ref::<StringArray>().map(|a| a.iter().map(|v| v.map(str::to_string)).collect()).unwrap_or_else(|| vec![None; b.num_rows()])
        }
        _ => vec![None; b.num_rows()],
    }
}

/// Each batch of the table's current files, with only `columns` (all, when `None`) read,
/// fitted to `schema`'s columns of those names.
pub(crate) fn each_old_batch(
    store: &ReplicaStore,
    entry: &TableEntry,
    schema: &SchemaRef,
    columns: Option<&[&str]>,
    mut f: impl FnMut(RecordBatch) -> Result<(), MapperError>,
) -> Result<(), MapperError> {
    let wanted: SchemaRef = match columns {
        Some(names) => {
            let fields: Vec<_> = schema.fields().iter().filter(|f| names.contains(&f.name().as_str())).cloned().collect();
            std::sync::Arc::new(datafusion::arrow::datatypes::Schema::new(fields))
        }
        None => schema.clone(),
    };
    for name in &entry.files {
        let path = store.root().join(name);
        let unreadable = |e: &dyn std::fmt::Display| MapperError::new(SqlState::General, format!("{} could not be read: {e}", path.display()));
        let file = File::open(&path).map_err(|e| unreadable(&e))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| unreadable(&e))?;
        let mask = match columns {
            Some(names) => {
                let parquet = builder.parquet_schema();
                let roots: Vec<usize> =
                    builder.schema().fields().iter().enumerate().filter(|(_, f)| names.contains(&f.name().as_str())).map(|(i, _)| i).collect();
                ProjectionMask::roots(parquet, roots)
            }
            None => ProjectionMask::all(),
        };
        for batch in builder.with_projection(mask).with_batch_size(4096).build().map_err(|e| unreadable(&e))? {
            f(fit(&batch.map_err(|e| unreadable(&e))?, &wanted)?)?;
        }
    }
    Ok(())
}

/// Writes the table's new state but the rows to read again; answers the writer and how many
/// old rows went for good (dropped, and not read again).
pub(crate) fn apply(
    store: &ReplicaStore,
    entry: &TableEntry,
    delta: Delta,
    schema: &SchemaRef,
    mut writer: TableWriter,
) -> Result<(TableWriter, u64), MapperError> {
    let mut again: HashSet<i64> = delta.fresh.iter().flat_map(|b| ints(b, "Id")).flatten().collect();
    again.extend(&delta.reread_ids);
    let mut removed = 0u64;
    each_old_batch(store, entry, schema, None, |b| {
        let mut keep = vec![true; b.num_rows()];
        for rule in &delta.drops {
            for (k, r) in keep.iter_mut().zip(rule.keeps(&b)) {
                *k &= r;
            }
        }
        removed += ints(&b, "Id").iter().zip(&keep).filter(|(id, k)| !**k && id.is_some_and(|id| !again.contains(&id))).count() as u64;
        let mut kept = filter_record_batch(&b, &BooleanArray::from(keep)).map_err(merge_error)?;
        if let (Some(keys), Some(at)) = (&delta.issue_keys, kept.schema().index_of("IssueKey").ok()) {
            let now: StringArray =
                ints(&kept, "IssueId").into_iter().zip(texts(&kept, "IssueKey")).map(|(id, old)| id.and_then(|i| keys.get(&i).cloned()).or(old)).collect();
            let mut columns = kept.columns().to_vec();
            columns[at] = std::sync::Arc::new(now);
            kept = RecordBatch::try_new(kept.schema(), columns).map_err(merge_error)?;
        }
        if kept.num_rows() > 0 {
            writer.write(&kept)?;
        }
        Ok(())
    })?;
    for b in &delta.fresh {
        writer.write(&fit(b, schema)?)?;
    }
    Ok((writer, removed))
}
