//! An HTML page with no REST form (`Source::HtmlPage`): the user's "View OAuth Access Tokens"
//! page on Data Center, read by `token_page`; on Cloud, which shows no such page to read, the
//! grant this driver holds. One request, no paging.

use std::collections::HashMap;

use async_trait::async_trait;
use datafusion::arrow::record_batch::RecordBatch;

use super::TableSource;
use crate::catalog::{Endpoint, Flavor, HtmlPage};
use crate::scan::fetch::{FetchPlan, PageState};
use crate::MapperError;

pub(crate) struct HtmlPageSource(pub HtmlPage);

#[async_trait]
impl TableSource for HtmlPageSource {
    fn first_list(&self, _flavor: Flavor) -> Option<Endpoint> {
        None
    }

    fn requests(&self, plan: &FetchPlan) -> String {
        match plan.client.flavor() {
            Flavor::DataCenter => format!("{} (HTML)", self.0.data_center),
            Flavor::Cloud => "the OAuth grant this connection holds (OAuthSettingsLocation)".into(),
        }
    }

    async fn next_page(&self, st: &mut PageState) -> Result<Option<RecordBatch>, MapperError> {
        st.done = true;
        let rows = crate::scan::token_page::rows(&st.plan.client, st.plan.def.product).await?;
        Ok(Some(st.batch(rows, &HashMap::new()).await?))
    }
}
