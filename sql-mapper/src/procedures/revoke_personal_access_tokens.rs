//! `RevokePersonalAccessTokens(Ids)`: a Data Center system administrator revokes any users'
//! personal access tokens at once, through `DELETE /rest/pat/latest/admin/tokens` (a JSON
//! array of ids). Cloud has no personal access tokens (HYC00).

use serde_json::{json, Value};

use super::{param, text, Args, ParamDef, ProcedureDef, Rows};
use crate::catalog::{at, ColumnDef, Product, SqlType::*};
use crate::queries::Queries;
use crate::rest::Flavor;
use crate::{MapperError, SqlState};

const PARAMS: &[ParamDef] = &[param("Ids", Varchar(4000), true, "Token ids, comma-separated (as SearchPersonalAccessTokens shows them)")];

pub fn def() -> ProcedureDef {
    let c = ColumnDef::new;
    ProcedureDef {
        product: Product::Jira,
        name: "RevokePersonalAccessTokens",
        remarks: "Revokes any users' personal access tokens, for a Data Center system administrator. Cloud: HYC00.",
        params: PARAMS,
        result: vec![c("Revoked", Integer, false, at("/Revoked"), "How many ids were sent to be revoked")],
        writes: true,
        run: |s, a| Box::pin(run(s, a)),
    }
}

/// The ids, each a whole number as the PAT API numbers tokens.
fn ids(args: &Args) -> Result<Vec<u64>, MapperError> {
    let given = text(args, "Ids").unwrap_or_default();
    let ids: Vec<u64> = given
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(|i| i.parse::<u64>().map_err(|_| MapperError::new(SqlState::InvalidCharacterValue, format!("Ids: '{i}' is not a token id"))))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(MapperError::new(SqlState::ParameterCount, "RevokePersonalAccessTokens needs the Ids to revoke"));
    }
    Ok(ids)
}

async fn run(session: &dyn Queries, args: Args) -> Result<Rows, MapperError> {
    let client = session.client();
    if client.flavor() == Flavor::Cloud {
        return Err(MapperError::new(
            SqlState::NotSupported,
            "Cloud has no personal access tokens: an organization admin revokes API tokens with DELETE FROM Jira.ApiTokens (with OrgId and OrgApiKey)",
        ));
    }
    let ids = ids(&args)?;
    client.send_json(reqwest::Method::DELETE, Product::Jira, "/rest/pat/latest/admin/tokens", Some(&json!(ids))).await?;
    Ok(vec![[("Revoked".to_string(), Value::from(ids.len()))].into_iter().collect()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_whole_numbers() {
        let args: Args = [("Ids", json!(" 3, 5 ,"))].into_iter().collect();
        assert_eq!(ids(&args).unwrap(), vec![3, 5]);
        let args: Args = [("Ids", json!("3,x"))].into_iter().collect();
        assert_eq!(ids(&args).unwrap_err().state, SqlState::InvalidCharacterValue);
        let args: Args = [("Ids", json!(""))].into_iter().collect();
        assert_eq!(ids(&args).unwrap_err().state, SqlState::ParameterCount);
    }
}
