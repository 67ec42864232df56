//! `install`/`uninstall` (the driver in the driver manager's list) and `dsn add/remove/list`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::odbc_config::{self, List, Scope};

/// The name the driver is registered under; DSNs and connection strings name it.
pub const DRIVER_NAME: &str = "Atlassian ODBC";
const DESCRIPTION: &str = "Atlassian Confluence and Jira";
/// The driver serialises what needs it itself (handles are registry tokens behind locks), so the
/// driver manager need not: `Threading=0`.
const THREADING: &str = "0";
/// What `install` writes, and so all that `uninstall` takes away.
const DRIVER_KEYS: [&str; 3] = ["Description", "Driver", "Threading"];
/// Where unixODBC and Windows list the DSNs by name.
const DSN_INDEX: &str = "ODBC Data Sources";

use atlassian_oauth::is_secret_property as is_secret;

/// The driver library beside this program (`target/<profile>/` holds both after a build).
fn default_driver_path() -> Result<PathBuf> {
    let file = if cfg!(windows) { "atlassian_odbc.dll" } else { "libatlassian_odbc.so" };
    let exe = std::env::current_exe().context("cannot find this program's own path")?;
    let beside = exe.parent().map(|d| d.join(file)).filter(|p| p.exists());
    beside.ok_or_else(|| anyhow::anyhow!("{file} is not beside {}: give its path with --driver PATH", exe.display()))
}

pub fn install(scope: Scope, driver: Option<&Path>) -> Result<()> {
    let path = match driver {
        Some(p) => p.to_path_buf(),
        None => default_driver_path()?,
    };
    let path = std::fs::canonicalize(&path).with_context(|| format!("the driver library {} does not exist", path.display()))?;
    let mut store = odbc_config::open(List::Drivers, scope)?;
    let mut changed = false;
    for (key, value) in [("Description", DESCRIPTION.to_string()), ("Driver", path.display().to_string()), ("Threading", THREADING.to_string())] {
        changed |= store.set(DRIVER_NAME, key, &value)?;
    }
    if cfg!(windows) {
        changed |= store.set("ODBC Drivers", DRIVER_NAME, "Installed")?;
    }
    if changed {
        store.save(false)?;
        println!("Registered the driver \"{DRIVER_NAME}\" ({}) in {} ({} scope).", path.display(), store.location(), scope.name());
    } else {
        println!("The driver \"{DRIVER_NAME}\" is already registered in {} ({} scope), as {}.", store.location(), scope.name(), path.display());
    }
    Ok(())
}

pub fn uninstall(scope: Scope) -> Result<()> {
    let mut store = odbc_config::open(List::Drivers, scope)?;
    if !store.has_section(DRIVER_NAME) {
        println!("The driver \"{DRIVER_NAME}\" is not registered in {} ({} scope): nothing to do.", store.location(), scope.name());
        return Ok(());
    }
    for key in DRIVER_KEYS {
        store.remove_key(DRIVER_NAME, key)?;
    }
    let left = store.entries(DRIVER_NAME);
    if left.is_empty() {
        store.remove_section(DRIVER_NAME)?;
    }
    if cfg!(windows) {
        store.remove_key("ODBC Drivers", DRIVER_NAME)?;
    }
    store.save(false)?;
    if left.is_empty() {
        println!("Removed the driver \"{DRIVER_NAME}\" from {}.", store.location());
    } else {
        let names: Vec<&str> = left.iter().map(|(k, _)| k.as_str()).collect();
        println!("Removed what install wrote for \"{DRIVER_NAME}\" from {}; kept the keys added by hand: {}.", store.location(), names.join(", "));
    }
    Ok(())
}

/// `KEY=VALUE` as given on the command line.
pub fn parse_pair(s: &str) -> Result<(String, String)> {
    let Some((k, v)) = s.split_once('=') else { bail!("'{s}' is not KEY=VALUE") };
    let k = k.trim();
    if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        bail!("'{k}' is not a property name (letters, digits and _)");
    }
    if v.contains(['\n', '\r']) {
        bail!("the value of {k} cannot span lines");
    }
    Ok((k.to_string(), v.trim().to_string()))
}

fn check_dsn_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.contains(['[', ']', '=', ';', '{', '}', '\n', '\r']) || name.len() > 32 {
        bail!("'{name}' is not a DSN name: at most 32 characters, none of []=;{{}}");
    }
    Ok(())
}

/// Adds a DSN, or updates the keys given of an existing one (`KEY=` removes a key). Secrets may
/// be left out and given at connect time.
pub fn dsn_add(scope: Scope, name: &str, pairs: &[(String, String)]) -> Result<()> {
    check_dsn_name(name)?;
    if pairs.iter().any(|(k, _)| k.eq_ignore_ascii_case("driver")) {
        bail!("a DSN made here always uses the driver \"{DRIVER_NAME}\": leave Driver= out");
    }
    let mut store = odbc_config::open(List::DataSources, scope)?;
    let existed = store.has_section(name);
    store.set(name, "Driver", DRIVER_NAME)?;
    for (k, v) in pairs {
        if v.is_empty() {
            store.remove_key(name, k)?;
        } else {
            store.set(name, k, v)?;
        }
    }
    store.set(DSN_INDEX, name, DRIVER_NAME)?;
    let secrets: Vec<String> = store.entries(name).into_iter().filter(|(k, _)| is_secret(k)).map(|(k, _)| k).collect();
    store.save(!secrets.is_empty())?;
    println!("{} the DSN \"{name}\" in {} ({} scope).", if existed { "Updated" } else { "Added" }, store.location(), scope.name());
    if !secrets.is_empty() {
        println!(
            "Note: {} stored in that file as plain text, readable by you only. You can leave secrets out of the DSN and give them when you connect (e.g. atlassian-odbc test \"DSN={name};APIToken=...\").",
            secrets.join(", ") + if secrets.len() == 1 { " is" } else { " are" }
        );
    }
    Ok(())
}

pub fn dsn_remove(scope: Scope, name: &str) -> Result<()> {
    let mut store = odbc_config::open(List::DataSources, scope)?;
    if !store.has_section(name) {
        bail!("there is no DSN \"{name}\" in {} ({} scope): `atlassian-odbc dsn list` shows them", store.location(), scope.name());
    }
    store.remove_section(name)?;
    store.remove_key(DSN_INDEX, name)?;
    if store.entries(DSN_INDEX).is_empty() {
        store.remove_section(DSN_INDEX)?;
    }
    store.save(false)?;
    println!("Removed the DSN \"{name}\" from {}.", store.location());
    Ok(())
}

/// A DSN's attributes: the user's definition wins over the system's, as the driver manager
/// reads them.
pub fn dsn_attributes(name: &str) -> Vec<(String, String)> {
    for scope in [Scope::User, Scope::System] {
        if let Ok(store) = odbc_config::open(List::DataSources, scope) {
            if store.has_section(name) {
                return store.entries(name);
            }
        }
    }
    Vec::new()
}

pub fn dsn_list() -> Result<()> {
    let mut rows = Vec::new();
    for scope in [Scope::User, Scope::System] {
        let store = odbc_config::open(List::DataSources, scope)?;
        for name in store.sections().into_iter().filter(|s| s != DSN_INDEX && s != "ODBC") {
            let attrs = store.entries(&name);
            let get = |k: &str| store.get(&name, k).unwrap_or_default();
            let lower: Vec<(String, String)> = attrs.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect();
            let scheme = atlassian_oauth::AuthScheme::of_properties(|k| lower.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())).map(|s| s.to_string()).unwrap_or_else(|e| e);
            let ours = get("Driver") == DRIVER_NAME;
            let (driver, url) = (get("Driver"), if ours { get("Url") } else { String::new() });
            rows.push([name, scope.name().to_string(), driver, url, if ours { scheme } else { String::new() }, store.location()]);
        }
    }
    if rows.is_empty() {
        println!("No DSNs yet: add one with `atlassian-odbc dsn add NAME Url=https://yoursite.atlassian.net User=you@example.com`.");
        return Ok(());
    }
    crate::output::print_rows(&["DSN", "Scope", "Driver", "Url", "AuthScheme", "File"], &rows);
    Ok(())
}
