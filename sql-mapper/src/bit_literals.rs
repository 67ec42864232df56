//! `BitLiterals`: BIT columns compared with the integers 0 and 1 (`WHERE Active = 1`, as BI
//! tools and SQL Server users write it) compare with FALSE and TRUE. The engine's BIT is a
//! boolean, which it will not compare with a number; this analyzer rule runs before its type
//! coercion and turns such literals into booleans. Any other number stays as written (and the
//! comparison is refused, as before).

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, Result, ScalarValue};
use datafusion::config::ConfigOptions;
use datafusion::logical_expr::expr::InList;
use datafusion::logical_expr::{BinaryExpr, Expr, ExprSchemable, LogicalPlan, Operator};
use datafusion::optimizer::AnalyzerRule;

#[derive(Debug, Default)]
pub struct BitLiterals;

/// The engine's analyzer rules with [`BitLiterals`] first, before its type coercion.
pub(crate) fn analyzer_rules() -> Vec<Arc<dyn AnalyzerRule + Send + Sync>> {
    let mut rules: Vec<Arc<dyn AnalyzerRule + Send + Sync>> = vec![Arc::new(BitLiterals)];
    rules.extend(datafusion::optimizer::Analyzer::new().rules);
    rules
}

impl AnalyzerRule for BitLiterals {
    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        plan.transform_up_with_subqueries(|node| {
            let mut schema = DFSchema::empty();
            for input in node.inputs() {
                schema.merge(input.schema());
            }
            node.map_expressions(|e| e.transform_up(|e| Ok(as_bit(e, &schema))))
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "bit_literals"
    }
}

/// 0 or 1 as a boolean.
fn bit(e: &Expr) -> Option<bool> {
    let Expr::Literal(v, _) = e else { return None };
    let n = match v {
        ScalarValue::Int64(Some(n)) => *n,
        ScalarValue::Int32(Some(n)) => i64::from(*n),
        ScalarValue::Int16(Some(n)) => i64::from(*n),
        ScalarValue::Int8(Some(n)) => i64::from(*n),
        _ => return None,
    };
    match n {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

fn is_boolean(e: &Expr, schema: &DFSchema) -> bool {
    matches!(e, Expr::Column(_)) && e.get_type(schema).is_ok_and(|t| t == DataType::Boolean)
}

fn literal(b: bool) -> Expr {
    Expr::Literal(ScalarValue::Boolean(Some(b)), None)
}

fn as_bit(e: Expr, schema: &DFSchema) -> Transformed<Expr> {
    match e {
        Expr::BinaryExpr(BinaryExpr { left, op, right })
            if matches!(op, Operator::Eq | Operator::NotEq | Operator::IsDistinctFrom | Operator::IsNotDistinctFrom) =>
        {
            match (bit(&left), bit(&right)) {
                (None, Some(b)) if is_boolean(&left, schema) => Transformed::yes(Expr::BinaryExpr(BinaryExpr { left, op, right: Box::new(literal(b)) })),
                (Some(b), None) if is_boolean(&right, schema) => Transformed::yes(Expr::BinaryExpr(BinaryExpr { left: Box::new(literal(b)), op, right })),
                _ => Transformed::no(Expr::BinaryExpr(BinaryExpr { left, op, right })),
            }
        }
        Expr::InList(InList { expr, list, negated }) if is_boolean(&expr, schema) && list.iter().all(|i| bit(i).is_some()) => {
            let list = list.iter().map(|i| literal(bit(i).expect("checked"))).collect();
            Transformed::yes(Expr::InList(InList { expr, list, negated }))
        }
        other => Transformed::no(other),
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{BooleanArray, Int64Array};
    use datafusion::arrow::datatypes::{Field, Schema};
    use datafusion::arrow::record_batch::RecordBatch;
    use datafusion::prelude::*;

    use super::*;

    async fn ids(sql: &str) -> Result<Vec<i64>> {
        let state = datafusion::execution::SessionStateBuilder::new().with_default_features().with_analyzer_rules(analyzer_rules()).build();
        let ctx = SessionContext::new_with_state(state);
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false), Field::new("active", DataType::Boolean, true)]));
        let batch =
            RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(vec![1, 2, 3])), Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]))])?;
        ctx.register_batch("t", batch)?;
        let batches = ctx.sql(sql).await?.collect().await?;
        Ok(batches.iter().flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().expect("ids").values().to_vec()).collect())
    }

    #[tokio::test]
    async fn bits_compare_with_zero_and_one() {
        assert_eq!(ids("select id from t where active = 1").await.unwrap(), vec![1]);
        assert_eq!(ids("select id from t where 0 = active").await.unwrap(), vec![2]);
        assert_eq!(ids("select id from t where active <> 1 order by id").await.unwrap(), vec![2]);
        assert_eq!(ids("select id from t where active in (0, 1) order by id").await.unwrap(), vec![1, 2]);
        assert_eq!(ids("select id from t where active").await.unwrap(), vec![1]);
        // Other numbers are no bits: the comparison is refused, not guessed.
        assert!(ids("select id from t where active = 2").await.is_err());
        // Numbers compare with numbers as ever.
        assert_eq!(ids("select id from t where id = 1").await.unwrap(), vec![1]);
    }
}
