//! The workspace's layout rules, checked on its sources: arrows between modules run one way
//! (no `use` cycles inside any crate), no source file grows past 600 lines, and the science
//! crate stays free of the plumbing (no tokio, lapin, aws or prometheus in its tree).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Every crate's `src/` folder.
fn crate_sources() -> Vec<PathBuf> {
    [
        "proto",
        "worker",
        "coordinator",
        "coordinator/science",
        "coordinator/simulate",
    ]
    .iter()
    .map(|c| root().join(c).join("src"))
    .collect()
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The module path of a source file (`report/html.rs` → `report::html`; `lib.rs`,
/// `main.rs` → the crate root, "").
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// The modules a file names through `crate::a::b` or `super::x` paths, outside its
/// `#[cfg(test)]` tail, resolved to the longest known module.
fn references(text: &str, this: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let parent = this.rsplit_once("::").map_or("", |(p, _)| p);
    let mut out = BTreeSet::new();
    for (prefix, base) in [("crate::", ""), ("super::", parent)] {
        let mut rest = code;
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().last();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: Vec<&str> = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or_default()
                .split("::")
                .filter(|s| !s.is_empty())
                .collect();
            let mut best = None;
            for n in 1..=path.len() {
                let candidate = if base.is_empty() {
                    path[..n].join("::")
                } else {
                    format!("{base}::{}", path[..n].join("::"))
                };
                if modules.contains(&candidate) {
                    best = Some(candidate);
                }
            }
            if let Some(m) = best.filter(|m| m != this && !this.starts_with(&format!("{m}::"))) {
                out.insert(m);
            }
        }
    }
    out
}

/// A cycle in the graph, if there is one (depth-first search).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        stack.push(n.to_owned());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|s| s == m).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    for src in crate_sources() {
        let files = rust_files(&src);
        let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
        let mut graph = BTreeMap::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{e}"));
            let this = module_of(&src, f);
            graph.insert(this.clone(), references(&text, &this, &modules));
        }
        assert!(
            graph.values().map(BTreeSet::len).sum::<usize>() > 0 || files.len() < 3,
            "{}: no references found: the checker is broken",
            src.display()
        );
        if let Some(cycle) = find_cycle(&graph) {
            panic!(
                "{}: modules import each other: {}",
                src.display(),
                cycle.join(" → ")
            );
        }
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let modules: BTreeSet<String> = ["a", "b", "c::d"].iter().map(|s| s.to_string()).collect();
    let mut graph = BTreeMap::new();
    graph.insert("a".into(), references("use crate::b::X;", "a", &modules));
    graph.insert(
        "b".into(),
        references("fn f() { crate::c::d::g() }", "b", &modules),
    );
    graph.insert("c::d".into(), references("use crate::a;", "c::d", &modules));
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c::d".into(), "a".into()])
    );
    graph.insert("c::d".into(), references("use crate::b;", "c::d", &modules));
    assert!(find_cycle(&graph).is_some());
    graph.insert("c::d".into(), BTreeSet::new());
    assert_eq!(find_cycle(&graph), None);
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut long = Vec::new();
    for src in crate_sources() {
        for f in rust_files(&src) {
            let lines = std::fs::read_to_string(&f).map_or(0, |t| t.lines().count());
            if lines > 600 {
                long.push(format!("{} ({lines})", f.display()));
            }
        }
    }
    assert!(long.is_empty(), "files over 600 lines: {long:?}");
}

#[test]
fn the_science_crate_depends_on_no_plumbing() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "esr1-science",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cargo tree: {e}"));
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && tree.contains("esr1-proto") && tree.contains("statrs"),
        "cargo tree -p esr1-science failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for forbidden in ["tokio ", "lapin ", "aws-", "prometheus ", "esr1-worker "] {
        assert!(
            !tree.lines().any(|l| l.starts_with(forbidden)),
            "esr1-science depends on {forbidden}:\n{tree}"
        );
    }
}
