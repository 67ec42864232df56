//! `install`/`uninstall` (the driver in the driver managers' lists) and `dsn add/remove/list`:
//! each edits every file the chosen driver managers read for the scope (see `odbc_config`),
//! once per file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::odbc_config::{self, ConfigStore, List, Managers, Scope};

/// The name the driver is registered under; DSNs and connection strings name it.
pub const DRIVER_NAME: &str = "Atlassian ODBC";
const DESCRIPTION: &str = "Atlassian Confluence and Jira";
/// The driver serialises what needs it itself (handles are registry tokens behind locks), so the
/// driver manager need not: `Threading=0`.
const THREADING: &str = "0";
/// What `install` writes, and so all that `uninstall` takes away.
const DRIVER_KEYS: [&str; 3] = ["Description", "Driver", "Threading"];
/// Where iODBC and Windows list the DSNs by name, with their drivers (iODBC's SQLDataSources
/// reads only this section; unixODBC skips it).
const DSN_INDEX: &str = "ODBC Data Sources";
/// Where iODBC and Windows list the installed drivers (`NAME = Installed`), for SQLDrivers.
const DRIVER_INDEX: &str = "ODBC Drivers";

use atlassian_oauth::is_secret_property as is_secret;

/// Where a command edits `list` of `scope`: the files of the driver managers `chosen` with
/// `--driver-manager`, else of those installed; prints the notes on files left alone.
fn places(list: List, scope: Scope, chosen: Option<Managers>) -> Result<Vec<odbc_config::Location>> {
    let (places, notes) = odbc_config::locations(list, scope, chosen.unwrap_or_else(Managers::detected), chosen.is_some())?;
    for note in notes {
        println!("Note: {note}");
    }
    Ok(places)
}

/// The driver library beside this program (`target/<profile>/` holds both after a build).
fn default_driver_path() -> Result<PathBuf> {
    let file = if cfg!(windows) { "atlassian_odbc.dll" } else { "libatlassian_odbc.so" };
    let exe = std::env::current_exe().context("cannot find this program's own path")?;
    let beside = exe.parent().map(|d| d.join(file)).filter(|p| p.exists());
    beside.ok_or_else(|| anyhow::anyhow!("{file} is not beside {}: give its path with --driver PATH", exe.display()))
}

/// Writes the driver's entry into one list of drivers, and names it in `[ODBC Drivers]` when
/// `listed` (see `Location::lists_installed_drivers`); `true` if anything changed.
fn register_driver(store: &mut dyn ConfigStore, library: &str, listed: bool) -> Result<bool> {
    let mut changed = false;
    for (key, value) in [("Description", DESCRIPTION), ("Driver", library), ("Threading", THREADING)] {
        changed |= store.set(DRIVER_NAME, key, value)?;
    }
    if listed {
        changed |= store.set(DRIVER_INDEX, DRIVER_NAME, "Installed")?;
    }
    Ok(changed)
}

/// Takes away what `register_driver` wrote: `None` if the driver was not there, else the keys
/// added by hand that were kept (with its section).
fn unregister_driver(store: &mut dyn ConfigStore) -> Result<Option<Vec<String>>> {
    if !store.has_section(DRIVER_NAME) && store.get(DRIVER_INDEX, DRIVER_NAME).is_none() {
        return Ok(None);
    }
    for key in DRIVER_KEYS {
        store.remove_key(DRIVER_NAME, key)?;
    }
    let left: Vec<String> = store.entries(DRIVER_NAME).into_iter().map(|(k, _)| k).collect();
    if left.is_empty() {
        store.remove_section(DRIVER_NAME)?;
    }
    store.remove_key(DRIVER_INDEX, DRIVER_NAME)?;
    // A file's [ODBC Drivers] goes when it lists nothing else; the registry's key stays.
    if !cfg!(windows) && store.has_section(DRIVER_INDEX) && store.entries(DRIVER_INDEX).is_empty() {
        store.remove_section(DRIVER_INDEX)?;
    }
    Ok(Some(left))
}

pub fn install(scope: Scope, chosen: Option<Managers>, driver: Option<&Path>) -> Result<()> {
    let path = match driver {
        Some(p) => p.to_path_buf(),
        None => default_driver_path()?,
    };
    let path = std::fs::canonicalize(&path).with_context(|| format!("the driver library {} does not exist", path.display()))?;
    for place in places(List::Drivers, scope, chosen)? {
        let mut store = place.open()?;
        let whose = format!("{} scope, read by {}", scope.name(), place.readers_text());
        if register_driver(store.as_mut(), &path.display().to_string(), place.lists_installed_drivers())? {
            store.save(false)?;
            println!("Registered the driver \"{DRIVER_NAME}\" ({}) in {} ({whose}).", path.display(), store.location());
        } else {
            println!("The driver \"{DRIVER_NAME}\" is already registered in {} ({whose}), as {}.", store.location(), path.display());
        }
    }
    Ok(())
}

pub fn uninstall(scope: Scope, chosen: Option<Managers>) -> Result<()> {
    let mut absent = Vec::new();
    for place in places(List::Drivers, scope, chosen)? {
        let mut store = place.open()?;
        match unregister_driver(store.as_mut())? {
            None => absent.push(store.location()),
            Some(left) => {
                store.save(false)?;
                if left.is_empty() {
                    println!("Removed the driver \"{DRIVER_NAME}\" from {} (read by {}).", store.location(), place.readers_text());
                } else {
                    println!("Removed what install wrote for \"{DRIVER_NAME}\" from {}; kept the keys added by hand: {}.", store.location(), left.join(", "));
                }
            }
        }
    }
    if !absent.is_empty() {
        println!("The driver \"{DRIVER_NAME}\" is not registered in {} ({} scope): nothing to do there.", absent.join(" or "), scope.name());
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

/// Writes a DSN (and its line in `[ODBC Data Sources]`) into one list of DSNs; `KEY=` removes a
/// key. Returns whether it was there before, and the names of the secrets it now holds.
fn put_dsn(store: &mut dyn ConfigStore, name: &str, pairs: &[(String, String)]) -> Result<(bool, Vec<String>)> {
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
    Ok((existed, store.entries(name).into_iter().filter(|(k, _)| is_secret(k)).map(|(k, _)| k).collect()))
}

/// Takes a DSN and its index line out of one list of DSNs; `false` if neither was there.
fn take_dsn(store: &mut dyn ConfigStore, name: &str) -> Result<bool> {
    if !store.has_section(name) && store.get(DSN_INDEX, name).is_none() {
        return Ok(false);
    }
    store.remove_section(name)?;
    store.remove_key(DSN_INDEX, name)?;
    if store.entries(DSN_INDEX).is_empty() {
        store.remove_section(DSN_INDEX)?;
    }
    Ok(true)
}

/// Adds a DSN, or updates the keys given of an existing one, in every file the driver managers
/// read the scope's DSNs from. Secrets may be left out and given at connect time.
pub fn dsn_add(scope: Scope, chosen: Option<Managers>, name: &str, pairs: &[(String, String)]) -> Result<()> {
    check_dsn_name(name)?;
    if pairs.iter().any(|(k, _)| k.eq_ignore_ascii_case("driver")) {
        bail!("a DSN made here always uses the driver \"{DRIVER_NAME}\": leave Driver= out");
    }
    let mut secrets: Vec<String> = Vec::new();
    for place in places(List::DataSources, scope, chosen)? {
        let mut store = place.open()?;
        let (existed, here) = put_dsn(store.as_mut(), name, pairs)?;
        store.save(!here.is_empty())?;
        println!(
            "{} the DSN \"{name}\" in {} ({} scope, read by {}).",
            if existed { "Updated" } else { "Added" },
            store.location(),
            scope.name(),
            place.readers_text()
        );
        for k in here {
            if !secrets.iter().any(|s| s.eq_ignore_ascii_case(&k)) {
                secrets.push(k);
            }
        }
    }
    if !secrets.is_empty() {
        println!(
            "Note: {} stored there as plain text, readable by you only. You can leave secrets out of the DSN and give them when you connect (e.g. atlassian-odbc test \"DSN={name};APIToken=...\").",
            secrets.join(", ") + if secrets.len() == 1 { " is" } else { " are" }
        );
    }
    Ok(())
}

/// Removes a DSN from every file of the scope that has it.
pub fn dsn_remove(scope: Scope, chosen: Option<Managers>, name: &str) -> Result<()> {
    let mut absent = Vec::new();
    let mut removed = false;
    for place in places(List::DataSources, scope, chosen)? {
        let mut store = place.open()?;
        if !take_dsn(store.as_mut(), name)? {
            absent.push(store.location());
            continue;
        }
        store.save(false)?;
        removed = true;
        println!("Removed the DSN \"{name}\" from {} (read by {}).", store.location(), place.readers_text());
    }
    if !removed {
        bail!("there is no DSN \"{name}\" in {} ({} scope): `atlassian-odbc dsn list` shows them", absent.join(" or "), scope.name());
    }
    Ok(())
}

/// A DSN's attributes as the driver manager this program connects through (unixODBC, or
/// Windows') reads them: the user's definition wins over the system's.
pub fn dsn_attributes(name: &str) -> Vec<(String, String)> {
    for scope in [Scope::User, Scope::System] {
        for place in odbc_config::locations(List::DataSources, scope, Managers::UnixOdbc, true).map(|(p, _)| p).unwrap_or_default() {
            if let Ok(store) = place.open() {
                if store.has_section(name) {
                    return store.entries(name);
                }
            }
        }
    }
    Vec::new()
}

/// The DSNs of both scopes, from every file the driver managers read them from.
pub fn dsn_list() -> Result<()> {
    let mut rows = Vec::new();
    for scope in [Scope::User, Scope::System] {
        for place in odbc_config::locations(List::DataSources, scope, Managers::detected(), true)?.0 {
            let store = place.open()?;
            for name in store.sections().into_iter().filter(|s| s != DSN_INDEX && s != "ODBC") {
                let attrs = store.entries(&name);
                let get = |k: &str| store.get(&name, k).unwrap_or_default();
                let lower: Vec<(String, String)> = attrs.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect();
                let scheme = atlassian_oauth::AuthScheme::of_properties(|k| lower.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()))
                    .map(|s| s.to_string())
                    .unwrap_or_else(|e| e);
                let ours = get("Driver") == DRIVER_NAME;
                let (driver, url) = (get("Driver"), if ours { get("Url") } else { String::new() });
                rows.push([name, scope.name().to_string(), driver, url, if ours { scheme } else { String::new() }, place.readers_text(), store.location()]);
            }
        }
    }
    if rows.is_empty() {
        println!("No DSNs yet: add one with `atlassian-odbc dsn add NAME Url=https://yoursite.atlassian.net User=you@example.com`.");
        return Ok(());
    }
    crate::output::print_rows(&["DSN", "Scope", "Driver", "Url", "AuthScheme", "Read by", "File"], &rows);
    Ok(())
}

#[cfg(all(test, not(windows)))]
mod tests {
    use super::*;
    use crate::ini_file::IniFile;

    const OTHERS: &str = "; drivers of this machine\n[PostgreSQL]\nDriver=/usr/lib/psqlodbcw.so\n";

    #[test]
    fn install_lists_the_driver_for_iodbc_only_where_iodbc_reads() {
        let mut unix_only = IniFile::parse(OTHERS);
        assert!(register_driver(&mut unix_only, "/opt/lib.so", false).unwrap());
        assert!(!unix_only.has_section(DRIVER_INDEX), "unixODBC would list [ODBC Drivers] as a driver");
        let mut shared = IniFile::parse(OTHERS);
        assert!(register_driver(&mut shared, "/opt/lib.so", true).unwrap());
        assert!(!register_driver(&mut shared, "/opt/lib.so", true).unwrap(), "idempotent");
        assert_eq!(
            shared.text(),
            format!("{OTHERS}\n[Atlassian ODBC]\nDescription={DESCRIPTION}\nDriver=/opt/lib.so\nThreading=0\n\n[ODBC Drivers]\nAtlassian ODBC=Installed\n")
        );
        assert_eq!(unregister_driver(&mut shared).unwrap(), Some(vec![]));
        assert_eq!(shared.text(), OTHERS, "exactly what was added goes");
        assert_eq!(unregister_driver(&mut shared).unwrap(), None);
    }

    #[test]
    fn uninstall_keeps_other_drivers_in_the_index_and_keys_added_by_hand() {
        let mut f = IniFile::parse("[ODBC Drivers]\nPostgreSQL=Installed\n\n[PostgreSQL]\nDriver=/usr/lib/psqlodbcw.so\n");
        register_driver(&mut f, "/opt/lib.so", true).unwrap();
        assert_eq!(f.entries(DRIVER_INDEX).len(), 2);
        f.set(DRIVER_NAME, "Trace", "Yes");
        assert_eq!(unregister_driver(&mut f).unwrap(), Some(vec!["Trace".to_string()]));
        assert_eq!(f.entries(DRIVER_INDEX), vec![("PostgreSQL".to_string(), "Installed".to_string())]);
        assert_eq!(f.entries(DRIVER_NAME), vec![("Trace".to_string(), "Yes".to_string())]);
        // Only the index line left (a driver section removed by hand): still cleaned.
        let mut g = IniFile::parse("[ODBC Drivers]\nAtlassian ODBC=Installed\n");
        assert_eq!(unregister_driver(&mut g).unwrap(), Some(vec![]));
        assert_eq!(g.text(), "");
    }

    #[test]
    fn a_dsn_and_its_index_line_come_and_go_together() {
        let before = "[ODBC Data Sources]\nPg=PostgreSQL\n\n[Pg]\nDriver=PostgreSQL\n";
        let mut f = IniFile::parse(before);
        let pairs = vec![("Url".to_string(), "https://x.atlassian.net".to_string()), ("APIToken".to_string(), "t".to_string())];
        assert_eq!(put_dsn(&mut f, "Jira", &pairs).unwrap(), (false, vec!["APIToken".to_string()]));
        assert_eq!(f.get(DSN_INDEX, "Jira").as_deref(), Some(DRIVER_NAME), "iODBC's SQLDataSources lists it with its driver");
        assert_eq!(f.get("Jira", "Driver").as_deref(), Some(DRIVER_NAME));
        let (existed, secrets) = put_dsn(&mut f, "Jira", &[("APIToken".to_string(), String::new())]).unwrap();
        assert!(existed && secrets.is_empty() && f.get("Jira", "Url").is_some());
        assert!(take_dsn(&mut f, "Jira").unwrap());
        assert_eq!(f.text(), before);
        assert!(!take_dsn(&mut f, "Jira").unwrap());
        assert!(take_dsn(&mut f, "Pg").unwrap());
        assert_eq!(f.text(), "", "an empty [ODBC Data Sources] goes too");
    }
}
