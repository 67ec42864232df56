//! PLACEHOLDER interface until the JQL engine lands (not to be committed).
use chrono::{DateTime, NaiveDate, Utc};
pub struct Named<'a> { pub id: u64, pub key: &'a str, pub name: &'a str }
pub struct UserRef<'a> { pub account_id: &'a str, pub display_name: &'a str, pub email: Option<&'a str> }
pub struct SprintRef<'a> { pub id: u64, pub name: &'a str, pub state: &'a str }
pub enum CustomValue<'a> { None, Number(f64), Date(NaiveDate), DateTime(DateTime<Utc>), Text(&'a str), Option(&'a str), Options(Vec<&'a str>), Users(Vec<UserRef<'a>>) }
pub enum CustomKind { Number, Date, DateTime, Text, Select, MultiSelect, MultiUser, Labels }
pub struct CustomFieldDef { pub id: String, pub number: u64, pub name: String, pub kind: CustomKind }
pub trait JqlIssue {
    fn id(&self) -> u64; fn key(&self) -> &str; fn project(&self) -> Named<'_>; fn summary(&self) -> &str; fn description(&self) -> &str;
    fn comment_texts(&self) -> Vec<&str>; fn environment(&self) -> &str { "" } fn status(&self) -> Named<'_>; fn status_category(&self) -> Named<'_>;
    fn issue_type(&self) -> Named<'_>; fn priority(&self) -> Option<Named<'_>>; fn resolution(&self) -> Option<Named<'_>>;
    fn assignee(&self) -> Option<UserRef<'_>>; fn reporter(&self) -> Option<UserRef<'_>>; fn creator(&self) -> Option<UserRef<'_>>;
    fn labels(&self) -> Vec<&str>; fn components(&self) -> Vec<Named<'_>>; fn fix_versions(&self) -> Vec<Named<'_>>;
    fn created(&self) -> DateTime<Utc>; fn updated(&self) -> DateTime<Utc>; fn resolution_date(&self) -> Option<DateTime<Utc>>;
    fn due_date(&self) -> Option<NaiveDate>; fn sprints(&self) -> Vec<SprintRef<'_>>; fn parent_key(&self) -> Option<&str> { None }
    fn custom(&self, field_id: &str) -> CustomValue<'_>;
}
pub struct JqlContext<'a> { pub now: DateTime<Utc>, pub time_zone: chrono_tz::Tz, pub current_user: Option<&'a str>, pub custom_fields: &'a [CustomFieldDef], pub known: &'a dyn JqlCatalog }
pub trait JqlCatalog { fn project_exists(&self, v: &str) -> bool; fn status_exists(&self, v: &str) -> bool; fn issue_type_exists(&self, v: &str) -> bool; fn priority_exists(&self, v: &str) -> bool; fn resolution_exists(&self, v: &str) -> bool; fn user_exists(&self, v: &str) -> bool; }
pub struct Query;
pub struct JqlError { pub messages: Vec<String> }
pub fn parse(_jql: &str) -> Result<Query, JqlError> { Ok(Query) }
impl Query {
    pub fn validate(&self, _ctx: &JqlContext) -> Result<(), JqlError> { Ok(()) }
    pub fn matches(&self, _i: &dyn JqlIssue, _ctx: &JqlContext) -> bool { true }
    pub fn compare(&self, a: &dyn JqlIssue, b: &dyn JqlIssue, _ctx: &JqlContext) -> std::cmp::Ordering { b.id().cmp(&a.id()) }
    pub fn is_bounded(&self) -> bool { true }
}
