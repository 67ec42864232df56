//! The statement's ODBC state, as the reference's "Statement Transitions" appendix defines it:
//! in which states each function may be called, the error it gets in the others, and the state
//! it leaves behind. Both driver managers keep the same machine; the driver keeps its own so
//! that the two never disagree (a driver that accepts what the tables refuse, or refuses what
//! they accept, leaves the driver manager's state behind its own).
//!
//! S0 is a handle that does not exist, and S11–S12 are asynchronous execution, which the
//! driver does not offer (`SQL_ATTR_ASYNC_ENABLE` is refused), so the states are S1–S10.

use crate::error::OdbcError;
use crate::error::SqlState;

/// A statement's state (S1–S10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// S1: allocated; nothing prepared, or a direct execution's cursor closed.
    Allocated,
    /// S2 (`rows: false`) and S3: prepared, not executed.
    Prepared { rows: bool },
    /// S4: executed, without a result set.
    Executed,
    /// S5: a result set is open, before its first fetch.
    Opened,
    /// S6: positioned by `SQLFetch` or `SQLFetchScroll`.
    Fetched,
    /// S7: positioned by `SQLExtendedFetch`.
    ExtendedFetched,
    /// S8: execution needs data; `SQLParamData` has not been called.
    NeedData,
    /// S9: `SQLParamData` named a parameter; `SQLPutData` has not been called for it.
    MustPut,
    /// S10: `SQLPutData` has been called for the current parameter.
    CanPut,
}

/// The functions (or uses of one) whose admissibility the tables give, grouped where their
/// rows are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `SQLBindCol`, `SQLBindParameter`, `SQLFreeStmt(SQL_UNBIND | SQL_RESET_PARAMS)`,
    /// `SQLGetCursorName`, `SQLSetDescField`, `SQLGetStmtAttr` and `SQLSetStmtAttr` of the
    /// attributes not named below, and the application and IPD descriptors' fields.
    Bind,
    Prepare,
    ExecDirect,
    Execute,
    /// The catalog functions and `SQLGetTypeInfo`.
    Catalog,
    /// `SQLFetch` and `SQLFetchScroll`.
    Fetch,
    ExtendedFetch,
    GetData,
    SetPos,
    CloseCursor,
    /// `SQLFreeStmt(SQL_CLOSE)`.
    FreeClose,
    MoreResults,
    /// `SQLDescribeCol`, and `SQLColAttribute` of any field but `SQL_DESC_COUNT`.
    DescribeCol,
    /// `SQLColAttribute(SQL_DESC_COUNT)`.
    ColumnCount,
    NumResultCols,
    NumParams,
    DescribeParam,
    RowCount,
    /// `SQLGetStmtAttr(SQL_ATTR_ROW_NUMBER)`.
    RowNumber,
    /// `SQLSetStmtAttr` of `SQL_ATTR_CONCURRENCY`, `SQL_ATTR_CURSOR_TYPE`,
    /// `SQL_ATTR_SIMULATE_CURSOR`, `SQL_ATTR_USE_BOOKMARKS`, `SQL_ATTR_CURSOR_SCROLLABLE` or
    /// `SQL_ATTR_CURSOR_SENSITIVITY`.
    SetCursorAttr,
    SetCursorName,
    ParamData,
    PutData,
    /// `SQLGetDescField`/`SQLGetDescRec` of the IRD (but its pointer fields).
    ReadIrd,
}

/// Why a call is refused in a state: each one SQLSTATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// HY010.
    Sequence,
    /// 24000.
    InvalidCursor,
    /// 07005: the prepared statement is not a cursor specification.
    NotCursorSpecification,
    /// HY007: the IRD of a statement not prepared (the SQLGetDescField reference's state for
    /// what the transition table shows as HY010).
    NotPrepared,
    /// HY011.
    CannotSetNow,
}

impl Refusal {
    pub fn error(self, call: Call, state: State) -> OdbcError {
        let what = format!("{call:?} in state {}", state.code());
        match self {
            Refusal::Sequence => OdbcError::sequence(format!("Function sequence error: {what} ({})", state.hint())),
            Refusal::InvalidCursor => OdbcError::new(SqlState::INVALID_CURSOR_STATE, format!("Invalid cursor state: {what} ({})", state.hint())),
            Refusal::NotCursorSpecification => OdbcError::new(
                SqlState::NOT_CURSOR_SPECIFICATION,
                format!("Prepared statement not a cursor-specification: the statement returns no result set ({what})"),
            ),
            Refusal::NotPrepared => OdbcError::new(SqlState::NOT_PREPARED, format!("Associated statement is not prepared: {what}")),
            Refusal::CannotSetNow => OdbcError::new(
                SqlState::CANNOT_SET_NOW,
                format!("Attribute cannot be set now: a cursor attribute after SQLPrepare applies only if set before it; set it, then prepare again ({what})"),
            ),
        }
    }
}

/// How a call ended, for the state it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Succeeded with a result set open.
    Rows,
    /// Succeeded without a result set (or, for calls that do not execute, simply succeeded).
    Done,
    /// `SQL_NEED_DATA`: a parameter is to be sent at execution.
    NeedData,
    /// Failed (or was cancelled).
    Failed,
}

impl State {
    /// The reference's name for the state.
    pub fn code(self) -> &'static str {
        match self {
            State::Allocated => "S1",
            State::Prepared { rows: false } => "S2",
            State::Prepared { rows: true } => "S3",
            State::Executed => "S4",
            State::Opened => "S5",
            State::Fetched => "S6",
            State::ExtendedFetched => "S7",
            State::NeedData => "S8",
            State::MustPut => "S9",
            State::CanPut => "S10",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            State::Allocated => "nothing is prepared or executed",
            State::Prepared { .. } => "the statement is prepared, not executed",
            State::Executed => "the statement was executed and has no result set",
            State::Opened => "a cursor is open, before its first fetch",
            State::Fetched | State::ExtendedFetched => "a cursor is open; close it first (SQLCloseCursor)",
            State::NeedData | State::MustPut | State::CanPut => "data-at-execution parameters are still expected (SQLParamData/SQLPutData)",
        }
    }

    /// Data-at-execution parameters are expected (S8–S10).
    pub fn is_need_data(self) -> bool {
        matches!(self, State::NeedData | State::MustPut | State::CanPut)
    }

    /// A result set is open (S5–S7).
    pub fn is_cursor(self) -> bool {
        matches!(self, State::Opened | State::Fetched | State::ExtendedFetched)
    }

    /// Whether `call` may run in this state; `prepared`: the statement was prepared by
    /// `SQLPrepare` (the tables' "p"), not executed directly ("np").
    pub fn admits(self, call: Call, prepared: bool) -> Result<(), Refusal> {
        use Refusal::*;
        use State::*;
        let refuse = |r: Refusal| Err(r);
        if self.is_need_data() {
            return match call {
                Call::ParamData if self != MustPut => Ok(()),
                Call::PutData if self != NeedData => Ok(()),
                Call::SetCursorAttr if prepared => refuse(CannotSetNow),
                _ => refuse(Sequence),
            };
        }
        match call {
            Call::Bind | Call::FreeClose | Call::MoreResults => Ok(()),
            Call::ParamData | Call::PutData => refuse(Sequence),
            Call::Prepare | Call::ExecDirect | Call::Catalog => {
                if self.is_cursor() {
                    refuse(InvalidCursor)
                } else {
                    Ok(())
                }
            }
            Call::Execute => match self {
                Allocated => refuse(Sequence),
                Prepared { .. } => Ok(()),
                Executed if prepared => Ok(()),
                _ if self.is_cursor() && prepared => refuse(InvalidCursor),
                _ => refuse(Sequence),
            },
            Call::Fetch | Call::ExtendedFetch | Call::GetData | Call::SetPos => match self {
                Allocated | Prepared { .. } => refuse(Sequence),
                Executed => refuse(InvalidCursor),
                Opened if matches!(call, Call::GetData | Call::SetPos) => refuse(InvalidCursor),
                ExtendedFetched if call == Call::Fetch => refuse(Sequence),
                Fetched if call == Call::ExtendedFetch => refuse(Sequence),
                _ => Ok(()),
            },
            Call::CloseCursor => {
                if self.is_cursor() {
                    Ok(())
                } else {
                    refuse(InvalidCursor)
                }
            }
            Call::DescribeCol | Call::ColumnCount | Call::ReadIrd => match self {
                Allocated if call == Call::ReadIrd => refuse(NotPrepared),
                Allocated => refuse(Sequence),
                Prepared { rows: false } if call == Call::DescribeCol => refuse(NotCursorSpecification),
                Executed => refuse(InvalidCursor),
                _ => Ok(()),
            },
            Call::NumResultCols | Call::NumParams => {
                if self == Allocated {
                    refuse(Sequence)
                } else {
                    Ok(())
                }
            }
            Call::DescribeParam => {
                if matches!(self, Prepared { .. }) {
                    Ok(())
                } else {
                    refuse(Sequence)
                }
            }
            Call::RowCount => {
                if matches!(self, Allocated | Prepared { .. }) {
                    refuse(Sequence)
                } else {
                    Ok(())
                }
            }
            Call::RowNumber => {
                if matches!(self, Fetched | ExtendedFetched) {
                    Ok(())
                } else {
                    refuse(InvalidCursor)
                }
            }
            Call::SetCursorAttr => match self {
                Allocated => Ok(()),
                Prepared { .. } => refuse(CannotSetNow),
                _ => refuse(InvalidCursor),
            },
            Call::SetCursorName => {
                if matches!(self, Allocated | Prepared { .. }) {
                    Ok(())
                } else {
                    refuse(InvalidCursor)
                }
            }
        }
    }

    /// The state `call`, admitted in this state, leaves with `outcome`. `prepared`: the rows
    /// flag of a statement prepared by `SQLPrepare`, `None` for one executed directly (the
    /// tables' "np").
    pub fn after(self, call: Call, outcome: Outcome, prepared: Option<bool>) -> State {
        use State::*;
        let closed = self.cancelled(prepared);
        let executed = |outcome: Outcome, failed: State| match outcome {
            Outcome::Rows => Opened,
            Outcome::Done => Executed,
            Outcome::NeedData => NeedData,
            Outcome::Failed => failed,
        };
        match call {
            Call::Prepare => match (outcome, prepared) {
                (Outcome::Failed, _) | (_, None) => Allocated,
                (_, Some(rows)) => Prepared { rows },
            },
            Call::ExecDirect | Call::Catalog => executed(outcome, Allocated),
            // A prepared statement stays prepared when its execution fails.
            Call::Execute => executed(outcome, closed),
            Call::Fetch if outcome != Outcome::Failed => Fetched,
            Call::ExtendedFetch if outcome != Outcome::Failed => ExtendedFetched,
            Call::CloseCursor | Call::FreeClose | Call::MoreResults if self.is_cursor() || self == Executed => closed,
            Call::ParamData => match outcome {
                Outcome::NeedData => MustPut,
                Outcome::Failed => closed,
                other => executed(other, closed),
            },
            Call::PutData => {
                if outcome == Outcome::Failed {
                    closed
                } else {
                    CanPut
                }
            }
            _ => self,
        }
    }

    /// The state `SQLCancel` leaves (pending data-at-execution parameters dropped, or a call
    /// cancelled from another thread, whose cursor is then closed, as both driver managers
    /// close theirs when `SQLCancel` succeeds), which is also where closing a cursor or
    /// abandoning an execution goes: back to the prepared statement, or to nothing for a
    /// direct execution.
    pub fn cancelled(self, prepared: Option<bool>) -> State {
        match prepared {
            Some(rows) => State::Prepared { rows },
            None => State::Allocated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Call::*;
    use super::Refusal::*;
    use super::State::*;
    use super::*;

    const STATES: [State; 10] =
        [Allocated, Prepared { rows: false }, Prepared { rows: true }, Executed, Opened, Fetched, ExtendedFetched, NeedData, MustPut, CanPut];

    /// One row of the reference's tables: the answer in S1, S2, S3, S4, S5, S6, S7, S8, S9,
    /// S10 (`None`: admitted), for a prepared (`p`) or directly executed statement.
    fn row(call: Call, prepared: bool, want: [Option<Refusal>; 10]) {
        for (s, w) in STATES.iter().zip(want) {
            assert_eq!(s.admits(call, prepared).err(), w, "{call:?} in {} ({})", s.code(), if prepared { "p" } else { "np" });
        }
    }

    const OK: Option<Refusal> = None;
    const SEQ: Option<Refusal> = Some(Sequence);
    const CUR: Option<Refusal> = Some(InvalidCursor);

    #[test]
    fn every_function_is_admitted_where_the_tables_say() {
        for p in [false, true] {
            row(Bind, p, [OK, OK, OK, OK, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(Prepare, p, [OK, OK, OK, OK, CUR, CUR, CUR, SEQ, SEQ, SEQ]);
            row(ExecDirect, p, [OK, OK, OK, OK, CUR, CUR, CUR, SEQ, SEQ, SEQ]);
            row(Catalog, p, [OK, OK, OK, OK, CUR, CUR, CUR, SEQ, SEQ, SEQ]);
            row(Fetch, p, [SEQ, SEQ, SEQ, CUR, OK, OK, SEQ, SEQ, SEQ, SEQ]);
            row(ExtendedFetch, p, [SEQ, SEQ, SEQ, CUR, OK, SEQ, OK, SEQ, SEQ, SEQ]);
            row(GetData, p, [SEQ, SEQ, SEQ, CUR, CUR, OK, OK, SEQ, SEQ, SEQ]);
            row(SetPos, p, [SEQ, SEQ, SEQ, CUR, CUR, OK, OK, SEQ, SEQ, SEQ]);
            row(CloseCursor, p, [CUR, CUR, CUR, CUR, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(FreeClose, p, [OK, OK, OK, OK, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(MoreResults, p, [OK, OK, OK, OK, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(DescribeCol, p, [SEQ, Some(NotCursorSpecification), OK, CUR, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(ColumnCount, p, [SEQ, OK, OK, CUR, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(ReadIrd, p, [Some(NotPrepared), OK, OK, CUR, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(NumResultCols, p, [SEQ, OK, OK, OK, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(NumParams, p, [SEQ, OK, OK, OK, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(DescribeParam, p, [SEQ, OK, OK, SEQ, SEQ, SEQ, SEQ, SEQ, SEQ, SEQ]);
            row(RowCount, p, [SEQ, SEQ, SEQ, OK, OK, OK, OK, SEQ, SEQ, SEQ]);
            row(RowNumber, p, [CUR, CUR, CUR, CUR, CUR, OK, OK, SEQ, SEQ, SEQ]);
            row(SetCursorName, p, [OK, OK, OK, CUR, CUR, CUR, CUR, SEQ, SEQ, SEQ]);
            row(ParamData, p, [SEQ, SEQ, SEQ, SEQ, SEQ, SEQ, SEQ, OK, SEQ, OK]);
            row(PutData, p, [SEQ, SEQ, SEQ, SEQ, SEQ, SEQ, SEQ, SEQ, OK, OK]);
        }
        // SQLExecute: a directly executed statement has nothing to execute again.
        row(Execute, true, [SEQ, OK, OK, OK, CUR, CUR, CUR, SEQ, SEQ, SEQ]);
        row(Execute, false, [SEQ, OK, OK, SEQ, SEQ, SEQ, SEQ, SEQ, SEQ, SEQ]);
        // Cursor attributes: fixed once prepared (HY011), while a cursor exists (24000).
        let now = Some(CannotSetNow);
        row(SetCursorAttr, true, [OK, now, now, CUR, CUR, CUR, CUR, now, now, now]);
        row(SetCursorAttr, false, [OK, now, now, CUR, CUR, CUR, CUR, SEQ, SEQ, SEQ]);
    }

    #[test]
    fn each_refusal_carries_its_sqlstate() {
        let states: Vec<&str> =
            [Sequence, InvalidCursor, NotCursorSpecification, NotPrepared, CannotSetNow].iter().map(|r| r.error(Fetch, Allocated).state.code()).collect();
        assert_eq!(states, ["HY010", "24000", "07005", "HY007", "HY011"]);
    }

    #[test]
    fn executions_lead_where_the_tables_say() {
        let s2 = Prepared { rows: false };
        let s3 = Prepared { rows: true };
        // SQLPrepare: S2 or S3 by whether there will be rows; a failed one forgets the old.
        assert_eq!(Allocated.after(Prepare, Outcome::Done, Some(true)), s3);
        assert_eq!(Executed.after(Prepare, Outcome::Done, Some(false)), s2);
        assert_eq!(s3.after(Prepare, Outcome::Failed, Some(true)), Allocated);
        // SQLExecDirect and the catalog functions: S4, S5 or S8; S1 on error.
        for call in [ExecDirect, Catalog] {
            assert_eq!(Allocated.after(call, Outcome::Rows, None), Opened);
            assert_eq!(s2.after(call, Outcome::Done, None), Executed);
            assert_eq!(Executed.after(call, Outcome::Failed, None), Allocated);
        }
        assert_eq!(Allocated.after(ExecDirect, Outcome::NeedData, None), NeedData);
        // SQLExecute: S4, S5 or S8; a failure leaves the statement prepared.
        assert_eq!(s3.after(Execute, Outcome::Rows, Some(true)), Opened);
        assert_eq!(s2.after(Execute, Outcome::Done, Some(false)), Executed);
        assert_eq!(s3.after(Execute, Outcome::NeedData, Some(true)), NeedData);
        assert_eq!(s3.after(Execute, Outcome::Failed, Some(true)), s3);
        assert_eq!(Executed.after(Execute, Outcome::Failed, Some(false)), s2);
    }

    #[test]
    fn cursors_move_and_close_where_the_tables_say() {
        let s3 = Prepared { rows: true };
        assert_eq!(Opened.after(Fetch, Outcome::Done, None), Fetched);
        assert_eq!(Fetched.after(Fetch, Outcome::Done, None), Fetched);
        assert_eq!(Opened.after(ExtendedFetch, Outcome::Done, None), ExtendedFetched);
        assert_eq!(Fetched.after(GetData, Outcome::Done, None), Fetched);
        assert_eq!(ExtendedFetched.after(SetPos, Outcome::Done, None), ExtendedFetched);
        for call in [CloseCursor, FreeClose, MoreResults] {
            for s in [Opened, Fetched, ExtendedFetched] {
                assert_eq!(s.after(call, Outcome::Done, Some(true)), s3, "{call:?} from {}", s.code());
                assert_eq!(s.after(call, Outcome::Done, None), Allocated, "{call:?} from {}", s.code());
            }
        }
        // SQLFreeStmt(SQL_CLOSE) and SQLMoreResults in S4: S1 (np) or S2 (p).
        assert_eq!(Executed.after(FreeClose, Outcome::Done, Some(false)), Prepared { rows: false });
        assert_eq!(Executed.after(MoreResults, Outcome::Done, None), Allocated);
        // ... and no change before a statement is executed.
        assert_eq!(s3.after(FreeClose, Outcome::Done, Some(true)), s3);
        assert_eq!(Allocated.after(MoreResults, Outcome::Done, None), Allocated);
    }

    #[test]
    fn data_at_execution_goes_round_as_the_tables_say() {
        let s2 = Prepared { rows: false };
        assert_eq!(NeedData.after(ParamData, Outcome::NeedData, Some(false)), MustPut);
        assert_eq!(MustPut.after(PutData, Outcome::Done, Some(false)), CanPut);
        assert_eq!(CanPut.after(PutData, Outcome::Done, Some(false)), CanPut);
        assert_eq!(CanPut.after(ParamData, Outcome::NeedData, Some(false)), MustPut);
        assert_eq!(CanPut.after(ParamData, Outcome::Done, Some(false)), Executed);
        assert_eq!(CanPut.after(ParamData, Outcome::Rows, None), Opened);
        // An error abandons the execution: back to the prepared statement, or to S1.
        assert_eq!(CanPut.after(ParamData, Outcome::Failed, Some(false)), s2);
        assert_eq!(NeedData.after(ParamData, Outcome::Failed, None), Allocated);
        assert_eq!(MustPut.after(PutData, Outcome::Failed, None), Allocated);
        // SQLCancel in S8–S10: S1 after SQLExecDirect, S2/S3 after SQLExecute.
        assert_eq!(MustPut.cancelled(None), Allocated);
        assert_eq!(CanPut.cancelled(Some(false)), s2);
    }
}
