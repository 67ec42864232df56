//! Any bytes as a REST page of any table, either flavor (truncated, hostile or wrongly shaped
//! JSON from a broken server): a batch or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sql_mapper::{Catalog, Flavor};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let catalog = Catalog::standard();
    let tables = catalog.tables();
    let table = &tables[(pick as usize >> 1) % tables.len()];
    let flavor = if pick & 1 == 0 { Flavor::Cloud } else { Flavor::DataCenter };
    let _ = sql_mapper::scan::decode_page(table, flavor, body);
});
