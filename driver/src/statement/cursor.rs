//! An open cursor: the result's Arrow batches as they stream in, the current rowset, and, for
//! a static (scrollable) cursor, every row read so far, kept within a memory limit.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::SendableRecordBatchStream;
use futures::StreamExt;

use crate::convert::{self, Cell};
use crate::error::{OdbcError, OdbcResult, SqlState};
use crate::runtime::{block_on_cancellable, CancelPoint};
use crate::types::{normalize, ColumnMeta};

pub(super) enum RowSource {
    Stream(SendableRecordBatchStream),
    Batches(VecDeque<RecordBatch>),
}

/// A contiguous run of rows of one batch in the current rowset.
#[derive(Clone)]
struct Segment {
    arrays: Arc<Vec<ArrayRef>>,
    start: usize,
    len: usize,
}

/// Where `SQLGetData` is in the current row.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct GetDataState {
    pub(super) column: usize,
    pub(super) offset: usize,
    pub(super) done: bool,
}

/// An open cursor.
pub struct ResultSet {
    pub columns: Arc<Vec<ColumnMeta>>,
    pub(super) source: RowSource,
    /// The batch being read and the next row in it.
    pub(super) current: Option<(Arc<Vec<ArrayRef>>, usize, usize)>,
    rowset: Vec<Segment>,
    pub(super) rowset_len: usize,
    pub(super) rows_returned: u64,
    pub(super) exhausted: bool,
    pub(super) getdata: GetDataState,
    pub(super) deadline: Option<Instant>,
    /// A static (scrollable) cursor's rows, kept as they are read; `None`: forward-only.
    pub(super) store: Option<RowStore>,
    /// Where a static cursor is.
    pub(super) position: Position,
    /// The size of the rowset last made, which `SQL_FETCH_NEXT` moves by.
    pub(super) last_size: usize,
}

/// A static cursor's rows: every batch read so far, kept, in result order, within a memory
/// limit (`MaxStaticCursorMemory`).
pub(super) struct RowStore {
    batches: Vec<(Arc<Vec<ArrayRef>>, usize)>,
    rows: usize,
    bytes: usize,
    limit: usize,
}

/// A static cursor's position: before the first row, on a rowset starting at a row (0-based),
/// or after the last row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Position {
    Before,
    At(usize),
    After,
}

/// `SQLFetchScroll` orientations (`SQL_FETCH_*`).
pub mod orientation {
    pub const NEXT: i16 = 1;
    pub const FIRST: i16 = 2;
    pub const LAST: i16 = 3;
    pub const PRIOR: i16 = 4;
    pub const ABSOLUTE: i16 = 5;
    pub const RELATIVE: i16 = 6;
    pub const BOOKMARK: i16 = 8;
}

impl ResultSet {
    pub fn from_batches(columns: Vec<ColumnMeta>, batches: Vec<RecordBatch>) -> ResultSet {
        ResultSet::new(columns, RowSource::Batches(batches.into()), None)
    }

    /// The rows of a result made in memory (a catalog function's), for the system tables that
    /// show the same rows to SQL; `None` for a streamed result.
    pub fn into_batches(self) -> Option<Vec<RecordBatch>> {
        match self.source {
            RowSource::Batches(b) => Some(b.into()),
            RowSource::Stream(_) => None,
        }
    }
    pub(super) fn new(columns: Vec<ColumnMeta>, source: RowSource, deadline: Option<Instant>) -> ResultSet {
        ResultSet {
            columns: Arc::new(columns),
            source,
            current: None,
            rowset: Vec::new(),
            rowset_len: 0,
            rows_returned: 0,
            exhausted: false,
            getdata: GetDataState::default(),
            deadline,
            store: None,
            position: Position::Before,
            last_size: 0,
        }
    }

    /// Makes this a static cursor: rows are kept as read, up to `limit` bytes of them.
    pub(super) fn keep_rows(&mut self, limit: usize) {
        self.store = Some(RowStore { batches: Vec::new(), rows: 0, bytes: 0, limit });
    }

    /// Reads until the static cursor holds `n` rows or the result ends; the rows held.
    pub(super) fn fill_to(&mut self, n: usize, cancel: &CancelPoint<'_>) -> OdbcResult<usize> {
        loop {
            let store = self.store.as_ref().expect("a static cursor");
            if store.rows >= n || (self.exhausted && self.current.is_none()) {
                return Ok(store.rows);
            }
            let arrays = match self.current.take() {
                Some((a, 0, _)) => a,
                Some((a, start, total)) => Arc::new(a.iter().map(|c| c.slice(start, total - start)).collect()),
                None => match self.next_batch(cancel)? {
                    Some(a) => a,
                    None => {
                        self.exhausted = true;
                        continue;
                    }
                },
            };
            let len = arrays.first().map_or(0, |x| x.len());
            let bytes: usize = arrays.iter().map(|c| c.get_array_memory_size()).sum();
            let store = self.store.as_mut().expect("a static cursor");
            if store.bytes + bytes > store.limit {
                // Kept for the next move: a refused move loses no rows.
                self.current = Some((arrays, 0, len));
                let store = self.store.as_ref().expect("a static cursor");
                return Err(OdbcError::new(
                    SqlState::MEMORY,
                    format!(
                        "Memory allocation error: a static (scrollable) cursor keeps its rows in memory, and this result needs more than MaxStaticCursorMemory ({} MiB) after {} rows; raise MaxStaticCursorMemory, narrow the query, or read it with a forward-only cursor (SQL_CURSOR_FORWARD_ONLY, the default), which streams",
                        store.limit >> 20,
                        store.rows
                    ),
                ));
            }
            store.bytes += bytes;
            store.batches.push((arrays, store.rows));
            store.rows += len;
        }
    }

    /// Moves a static cursor as `SQLFetchScroll` does (the ODBC reference's table for each
    /// orientation) and makes the rowset there. Returns whether there are rows, and whether
    /// the move was cut short at the first row (`01S06`).
    pub(super) fn scroll(&mut self, orientation: i16, offset: isize, size: usize, max_rows: u64, cancel: &CancelPoint<'_>) -> OdbcResult<(bool, bool)> {
        let cap = if max_rows > 0 { max_rows as usize } else { usize::MAX };
        if orientation == orientation::BOOKMARK {
            return Err(OdbcError::not_implemented("bookmarks (SQL_FETCH_BOOKMARK)"));
        }
        if !(orientation::NEXT..=orientation::RELATIVE).contains(&orientation) {
            return Err(OdbcError::new(SqlState::FETCH_TYPE_OUT_OF_RANGE, format!("Fetch type out of range: {orientation}")));
        }
        let (position, previous) = (self.position, self.last_size as i64);
        let mut last = || -> OdbcResult<i64> { Ok(self.fill_to(usize::MAX, cancel)?.min(cap) as i64) };
        let target = rowset_start(orientation, position, offset as i64, size as i64, previous, &mut last)?;
        let clipped = matches!(target, Ok((_, true)));
        let target = target.map(|(start, _)| start);
        self.rowset.clear();
        self.rowset_len = 0;
        self.getdata = GetDataState::default();
        let start = match target {
            Err(p) => {
                self.position = p;
                return Ok((false, false));
            }
            Ok(s) => (s - 1) as usize,
        };
        let held = self.fill_to(start.saturating_add(size), cancel)?.min(cap);
        if start >= held {
            self.position = Position::After;
            return Ok((false, false));
        }
        self.position = Position::At(start);
        self.last_size = size;
        let end = (start + size).min(held);
        let store = self.store.as_ref().expect("a static cursor");
        for (arrays, first) in &store.batches {
            let len = arrays.first().map_or(0, |x| x.len());
            let (from, to) = (start.max(*first), end.min(first + len));
            if from < to {
                self.rowset.push(Segment { arrays: arrays.clone(), start: from - first, len: to - from });
            }
        }
        self.rowset_len = end - start;
        Ok((true, clipped))
    }

    /// The 1-based row number of the current rowset's row `row` (`SQL_ATTR_ROW_NUMBER`).
    pub(super) fn row_number(&self, row: usize) -> usize {
        match self.position {
            Position::At(s) => s + row + 1,
            _ if self.rowset_len > 0 => self.rows_returned as usize - self.rowset_len + row + 1,
            _ => 0,
        }
    }

    /// Pulls the next non-empty batch, normalized; `None` at the end.
    pub(super) fn next_batch(&mut self, cancel: &CancelPoint<'_>) -> OdbcResult<Option<Arc<Vec<ArrayRef>>>> {
        loop {
            let batch = match &mut self.source {
                RowSource::Batches(q) => q.pop_front(),
                RowSource::Stream(s) => {
                    let timeout = self.deadline.map(|d| d.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
                    block_on_cancellable(async { s.next().await.transpose().map_err(stream_error) }, cancel, timeout)?
                }
            };
            match batch {
                None => return Ok(None),
                Some(b) if b.num_rows() == 0 => continue,
                Some(b) => return Ok(Some(Arc::new(normalize(&b, &self.columns)?))),
            }
        }
    }

    /// Reads the first batch, so that the statement's errors (and its timeout) surface at
    /// execute, where applications look for them, rather than at the first fetch.
    pub(super) fn prime(&mut self, cancel: &CancelPoint<'_>) -> OdbcResult<()> {
        if self.current.is_none() && !self.exhausted {
            match self.next_batch(cancel)? {
                Some(a) => {
                    let n = a.first().map_or(0, |x| x.len());
                    self.current = Some((a, 0, n));
                }
                None => self.exhausted = true,
            }
        }
        Ok(())
    }

    /// Moves the cursor to the next `size` rows; `false` when there are none.
    pub(super) fn advance(&mut self, size: usize, max_rows: u64, cancel: &CancelPoint<'_>) -> OdbcResult<bool> {
        self.rowset.clear();
        self.rowset_len = 0;
        self.getdata = GetDataState::default();
        let mut want = size;
        if max_rows > 0 {
            want = want.min(max_rows.saturating_sub(self.rows_returned) as usize);
        }
        while self.rowset_len < want && !self.exhausted {
            let (arrays, next, total) = match self.current.take() {
                Some(c) if c.1 < c.2 => c,
                _ => match self.next_batch(cancel)? {
                    Some(a) => {
                        let n = a.first().map_or(0, |x| x.len());
                        (a, 0, n)
                    }
                    None => {
                        self.exhausted = true;
                        break;
                    }
                },
            };
            let take = (want - self.rowset_len).min(total - next);
            self.rowset.push(Segment { arrays: arrays.clone(), start: next, len: take });
            self.rowset_len += take;
            self.current = Some((arrays, next + take, total));
        }
        self.rows_returned += self.rowset_len as u64;
        Ok(self.rowset_len > 0)
    }

    /// Cell (column `col`, 0-based) of rowset row `row`.
    pub(super) fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        let mut r = row;
        for s in &self.rowset {
            if r < s.len {
                return convert::cell(&s.arrays[col], self.columns[col].kind, s.start + r);
            }
            r -= s.len;
        }
        Cell::Null
    }
}

/// Where `SQLFetchScroll` puts a static cursor's new rowset, by the reference's "Cursor
/// positioning rules": `Ok((start, clipped))`, 1-based and whether it was cut to the first row
/// (`01S06`), or the position outside the result. `previous`: the previous fetch's rowset size,
/// which `NEXT` moves by; `last` reads the whole result to count its rows, for the moves that
/// need it.
fn rowset_start(
    orientation: i16,
    position: Position,
    offset: i64,
    size: i64,
    previous: i64,
    last: &mut dyn FnMut() -> OdbcResult<i64>,
) -> OdbcResult<Result<(i64, bool), Position>> {
    use orientation::*;
    use Position::{After, At, Before};
    Ok(match (orientation, position) {
        (NEXT, Before) | (FIRST, _) => Ok((1, false)),
        (NEXT, At(s)) => Ok((s as i64 + 1 + previous, false)),
        (NEXT, After) => Err(After),
        (LAST, _) => Ok(((last()? - size + 1).max(1), false)),
        (PRIOR, Before) => Err(Before),
        (PRIOR, After) => {
            let start = last()? - size + 1;
            Ok((start.max(1), start < 1))
        }
        (PRIOR, At(s)) => match s as i64 + 1 {
            1 => Err(Before),
            current if current - size < 1 => Ok((1, true)),
            current => Ok((current - size, false)),
        },
        // From before the start with a positive offset, or after the end with a negative one,
        // RELATIVE moves as ABSOLUTE does.
        (ABSOLUTE, _) | (RELATIVE, Before) if orientation == ABSOLUTE || offset > 0 => absolute(offset, size, last)?,
        (RELATIVE, After) if offset < 0 => absolute(offset, size, last)?,
        (RELATIVE, Before) => Err(Before),
        (RELATIVE, After) => Err(After),
        (RELATIVE, At(s)) => relative(s as i64 + 1, offset, size),
        (other, _) => unreachable!("orientation {other} was checked"),
    })
}

/// `SQL_FETCH_ABSOLUTE`: row `k`, or counted from the end when negative; 0 is before the start.
/// A start past the end is found when the rows are read.
fn absolute(k: i64, size: i64, last: &mut dyn FnMut() -> OdbcResult<i64>) -> OdbcResult<Result<(i64, bool), Position>> {
    if k > 0 {
        return Ok(Ok((k, false)));
    }
    if k == 0 {
        return Ok(Err(Position::Before));
    }
    let rows = last()?;
    Ok(if -k <= rows {
        Ok((rows + k + 1, false))
    } else if -k > size {
        Err(Position::Before)
    } else {
        Ok((1, true))
    })
}

/// `SQL_FETCH_RELATIVE` from a rowset starting at row `current`.
fn relative(current: i64, k: i64, size: i64) -> Result<(i64, bool), Position> {
    if k < 0 && current == 1 {
        Err(Position::Before)
    } else if current + k < 1 {
        if -k > size {
            Err(Position::Before)
        } else {
            Ok((1, true))
        }
    } else {
        Ok((current + k, false))
    }
}

/// An error of the result's stream, as the mapper classifies it (ours keep their SQLSTATE).
pub(super) fn stream_error(e: datafusion::error::DataFusionError) -> OdbcError {
    sql_mapper::df_error(e).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::CancelSignal;
    use datafusion::arrow::array::Int64Array;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::arrow::record_batch::RecordBatch;

    /// A static cursor over the numbers 1..=n, in batches of `per_batch`.
    fn numbers(n: i64, per_batch: i64, limit: usize) -> ResultSet {
        let field = Field::new("n", DataType::Int64, true);
        let schema = Arc::new(Schema::new(vec![field.clone()]));
        let batches = (1..=n)
            .step_by(per_batch as usize)
            .map(|s| RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from_iter_values(s..(s + per_batch).min(n + 1)))]).unwrap())
            .collect();
        let mut rs = ResultSet::from_batches(vec![ColumnMeta::from_field(&field)], batches);
        rs.keep_rows(limit);
        rs
    }

    /// The rowset's values after a move, or `None` when there are no rows.
    fn scroll(rs: &mut ResultSet, orientation: i16, offset: isize, size: usize) -> (Option<Vec<i64>>, bool) {
        let signal = CancelSignal::default();
        let (rows, clipped) = rs.scroll(orientation, offset, size, 0, &signal.begin()).unwrap();
        let values = (0..rs.rowset_len).map(|r| match rs.cell(r, 0) {
            Cell::Int(v) => v,
            other => panic!("{other:?}"),
        });
        (rows.then(|| values.collect()), clipped)
    }

    #[test]
    fn a_static_cursor_moves_as_the_odbc_tables_say() {
        use orientation::*;
        let mut rs = numbers(10, 4, 1 << 20);
        let r = |v: &[i64]| (Some(v.to_vec()), false);
        assert_eq!(scroll(&mut rs, NEXT, 0, 3), r(&[1, 2, 3]));
        assert_eq!(scroll(&mut rs, NEXT, 0, 3), r(&[4, 5, 6]));
        assert_eq!(scroll(&mut rs, PRIOR, 0, 3), r(&[1, 2, 3]));
        assert_eq!(scroll(&mut rs, PRIOR, 0, 3), (None, false));
        assert_eq!(rs.position, Position::Before);
        assert_eq!(scroll(&mut rs, RELATIVE, 2, 3), r(&[2, 3, 4]));
        assert_eq!(scroll(&mut rs, RELATIVE, -2, 3), (Some(vec![1, 2, 3]), true));
        assert_eq!(scroll(&mut rs, LAST, 0, 3), r(&[8, 9, 10]));
        assert_eq!(scroll(&mut rs, NEXT, 0, 3), (None, false));
        assert_eq!(rs.position, Position::After);
        assert_eq!(scroll(&mut rs, PRIOR, 0, 3), r(&[8, 9, 10]));
        assert_eq!(scroll(&mut rs, ABSOLUTE, -1, 3), r(&[10]));
        assert_eq!(scroll(&mut rs, ABSOLUTE, 9, 3), r(&[9, 10]));
        assert_eq!(scroll(&mut rs, ABSOLUTE, 0, 3), (None, false));
        assert_eq!(scroll(&mut rs, ABSOLUTE, 11, 3), (None, false));
        assert_eq!(rs.position, Position::After);
        assert_eq!(scroll(&mut rs, RELATIVE, -3, 3), r(&[8, 9, 10]));
        assert_eq!(scroll(&mut rs, ABSOLUTE, -12, 3), (None, false));
        assert_eq!(scroll(&mut rs, FIRST, 0, 4), r(&[1, 2, 3, 4]));
        assert_eq!(scroll(&mut rs, RELATIVE, 5, 4), r(&[6, 7, 8, 9]));
        assert_eq!(rs.row_number(2), 8);
        assert!(rs.scroll(BOOKMARK, 0, 1, 0, &CancelSignal::default().begin()).is_err());
    }

    #[test]
    fn a_short_result_clips_prior_and_negative_absolute_to_the_first_row() {
        let mut rs = numbers(2, 2, 1 << 20);
        assert_eq!(scroll(&mut rs, orientation::ABSOLUTE, -3, 4), (Some(vec![1, 2]), true));
        assert_eq!(scroll(&mut rs, orientation::NEXT, 0, 4), (None, false));
        assert_eq!(scroll(&mut rs, orientation::PRIOR, 0, 4), (Some(vec![1, 2]), true));
    }

    #[test]
    fn relative_back_from_the_first_row_and_next_after_a_resize() {
        use orientation::*;
        let mut rs = numbers(10, 4, 1 << 20);
        assert_eq!(scroll(&mut rs, FIRST, 0, 3).0, Some(vec![1, 2, 3]));
        // From row 1 any step back is before the start, not row 1 again.
        assert_eq!(scroll(&mut rs, RELATIVE, -1, 3), (None, false));
        assert_eq!(rs.position, Position::Before);
        // NEXT moves by the previous rowset's size, then fetches the new size.
        assert_eq!(scroll(&mut rs, ABSOLUTE, 2, 2).0, Some(vec![2, 3]));
        assert_eq!(scroll(&mut rs, NEXT, 0, 5).0, Some(vec![4, 5, 6, 7, 8]));
        assert_eq!(scroll(&mut rs, NEXT, 0, 1).0, Some(vec![9]));
    }

    #[test]
    fn a_static_cursor_past_its_memory_limit_is_hy001() {
        let mut rs = numbers(100_000, 1000, 64 << 10);
        let e = rs.scroll(orientation::LAST, 0, 1, 0, &CancelSignal::default().begin()).unwrap_err();
        assert_eq!(e.state, "HY001");
        assert!(e.message.contains("MaxStaticCursorMemory") && e.message.contains("SQL_CURSOR_FORWARD_ONLY"), "{}", e.message);
        // The rows that fit are still there, and a refused move, tried again, loses none.
        assert_eq!(scroll(&mut rs, orientation::FIRST, 0, 2).0, Some(vec![1, 2]));
        let held = rs.store.as_ref().unwrap().rows;
        for _ in 0..3 {
            assert_eq!(rs.scroll(orientation::ABSOLUTE, held as isize + 1, 1, 0, &CancelSignal::default().begin()).unwrap_err().state, "HY001");
        }
        assert_eq!(scroll(&mut rs, orientation::ABSOLUTE, held as isize, 1).0, Some(vec![held as i64]));
    }
}
