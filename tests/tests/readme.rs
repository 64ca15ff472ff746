//! The README is the front door: every binary of the workspace has its row
//! in a table (`| ... | name | ... |`), and every binary a row names exists.

use std::collections::BTreeSet;
use std::path::Path;

use unp_tests::reliability;

/// The binary names in the README's program tables: the fourth cell of
/// each row of a table whose header has a `Binary` column.
fn readme_binaries() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let text = std::fs::read_to_string(path).expect("README.md");
    let mut names = BTreeSet::new();
    let mut column = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            column = None;
            continue;
        }
        let cells: Vec<&str> = line
            .split(" | ")
            .map(|cell| cell.trim_matches(['|', ' ']))
            .collect();
        match column {
            None => column = cells.iter().position(|&cell| cell == "Binary"),
            Some(at) => {
                if let Some(cell) = cells.get(at) {
                    names.extend(binaries_in(cell));
                }
            }
        }
    }
    names
}

/// The names in a `Binary` cell: `a, b`, `` `a` ``, with remarks in
/// parentheses left out; `none` (a program Linux cannot run) names none.
fn binaries_in(cell: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split([',', ' '])
        .map(|name| name.trim_matches('`'))
        .filter(|name| !name.is_empty() && *name != "none")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_binary_has_a_readme_row() {
    let rows = readme_binaries();
    // The lab itself has its own section ("The lab"), not a program row.
    let missing: Vec<String> = reliability::binaries()
        .into_iter()
        .filter(|name| name != "lab" && !rows.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "binaries without a README row: {missing:?}"
    );
}

#[test]
fn every_readme_row_names_a_binary() {
    let binaries: BTreeSet<String> = reliability::binaries().into_iter().collect();
    let stale: Vec<String> = readme_binaries()
        .into_iter()
        .filter(|name| !binaries.contains(name))
        .collect();
    assert!(stale.is_empty(), "README rows naming no binary: {stale:?}");
}
