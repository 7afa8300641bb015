//! `report.html` in a real browser: the demo's cohort (12 patients, artefacts on, seed 1) is
//! run, its page rendered by headless Chromium (Debian's `chromium` package), screenshotted,
//! and checked from the browser's DOM: one oncoprint row per patient and one column per
//! change in `patients.tsv`, one swimmer lane per patient and one mark per sample that passed
//! QC (`qc.tsv`), and nothing on the browser's console.

use crate::util::{read_tsv, run_cohort};
use esr1_simulate::{simulate, SimulateOptions};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser: `chromium` on the PATH (Debian installs `/usr/bin/chromium`).
fn chromium() -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "chromium not found: this test renders report.html in Debian's headless \
                 Chromium; install it with `apt-get install chromium` (scripts/test.sh does)"
            )
        })
}

/// Runs headless Chromium on `page` with `args`; returns stdout and stderr. A private
/// profile directory, no network services, and the browser's log on stderr (console
/// messages included).
fn run_chromium(page: &Path, profile: &Path, args: &[String]) -> (String, String) {
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromium: {e}"));
    // Read both pipes on threads so a full pipe never blocks the browser.
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = read(Box::new(child.stdout.take().expect("stdout")));
    let err = read(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("chromium: {e}")) {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish in 120 s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (out, err) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    assert!(status.success(), "chromium {args:?}: {status}\n{err}");
    (out, err)
}

/// Console messages in Chromium's stderr log. Chromium prints each as
/// `[pid:tid:date:LEVEL:CONSOLE:line] "message", source: file:///… (line)`: `INFO:CONSOLE`
/// for every level in current builds (console.error, uncaught exceptions, SVG attribute
/// errors such as a negative height), `ERROR:CONSOLE` in older ones. The page has no script,
/// so any console line is a fault.
fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

/// The start tags of `dom` that carry class `class` (among others), as attribute maps
/// (values as serialized: entities kept).
fn elements_with_class<'a>(dom: &'a str, class: &str) -> Vec<HashMap<&'a str, &'a str>> {
    let mut found = Vec::new();
    let mut rest = dom;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find('>') else { break };
        let attrs = attributes(&rest[..end]);
        if attrs
            .get("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == class))
        {
            found.push(attrs);
        }
        rest = &rest[end + 1..];
    }
    found
}

/// `name="value"` pairs of a start tag's text (Chromium serializes every value in double
/// quotes, with `"` escaped).
fn attributes(tag: &str) -> HashMap<&str, &str> {
    let mut attrs = HashMap::new();
    let mut rest = tag.trim_end_matches('/');
    rest = rest.split_once(char::is_whitespace).map_or("", |(_, r)| r);
    while let Some((name, after)) = rest.split_once("=\"") {
        let Some((value, tail)) = after.split_once('"') else {
            break;
        };
        attrs.insert(name.trim(), value);
        rest = tail;
    }
    attrs
}

/// The serialized `<svg id="ID">…</svg>` of the DOM.
fn svg<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no <svg id=\"{id}\"> in the rendered page"));
    let len = dom[start..].find("</svg>").expect("</svg>");
    &dom[start..start + len]
}

fn sorted<'a>(it: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = it.into_iter().collect();
    v.sort_unstable();
    v
}

/// The PNG's width and height from its IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(
        png.len() > 24 && png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR",
        "not a PNG"
    );
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

#[test]
fn report_html_renders_in_chromium_with_one_row_per_patient_and_one_mark_per_sample() {
    let browser = chromium(); // fail first, before the cohort runs, when it is missing
    eprintln!("browser: {}", browser.display());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // The demo's cohort: `esr1-coordinator demo` simulates exactly this.
    let cohort = simulate(&SimulateOptions {
        out: dir.path().join("cohort"),
        patients: 12,
        seed: 1,
        depth_scale: 1.0,
        artefacts: true,
        ..SimulateOptions::default()
    })
    .unwrap_or_else(|e| panic!("simulate: {e}"));
    let out = dir.path().join("run");
    run_cohort(&cohort, &cohort.samplesheet, &out);
    // `demo` ends with "frequencies.tsv equals the simulation's truth": so must this run.
    assert_eq!(
        std::fs::read_to_string(out.join("frequencies.tsv")).unwrap_or_default(),
        std::fs::read_to_string(&cohort.truth_frequencies).unwrap_or_default(),
        "the demo cohort's frequencies equal its truth"
    );
    let page = out.join("report.html");
    let profile = dir.path().join("chromium-profile");

    let png = dir.path().join("report.png");
    let (_, shot_log) = run_chromium(
        &page,
        &profile,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1300,4000".into(),
        ],
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert_eq!(png_size(&bytes), (1300, 4000));
    // A blank 1300×4000 page compresses to ~23 kB; the report's first 4000 px to ~450 kB.
    assert!(
        bytes.len() > 100_000,
        "screenshot of {} bytes: is the page blank?",
        bytes.len()
    );

    let (dom, dom_log) = run_chromium(&page, &profile, &["--dump-dom".into()]);
    for log in [&shot_log, &dom_log] {
        let errors = console_errors(log);
        assert!(
            errors.is_empty(),
            "console messages:\n{}",
            errors.join("\n")
        );
    }

    let qc = read_tsv(&out.join("qc.tsv"));
    let patients_tsv = read_tsv(&out.join("patients.tsv"));
    let patients: BTreeSet<&str> = qc.iter().map(|r| r["patient"].as_str()).collect();
    assert_eq!(patients.len(), 12);

    // Oncoprint: a row per patient of the cohort, a column per change in patients.tsv.
    let oncoprint = svg(&dom, "oncoprint");
    let rows = elements_with_class(oncoprint, "op-row");
    assert_eq!(
        sorted(rows.iter().map(|r| r["data-patient"])),
        sorted(patients.iter().copied()),
        "oncoprint rows"
    );
    let changes: BTreeSet<String> = patients_tsv
        .iter()
        .map(|r| format!("{}:{}:{}:{}", r["chrom"], r["pos"], r["ref"], r["alt"]))
        .collect();
    assert!(changes.len() >= 5, "too few changes to test: {changes:?}");
    let columns = elements_with_class(oncoprint, "op-col");
    let columns: Vec<String> = columns
        .iter()
        .map(|c| c["data-variant"].replace("&gt;", ">"))
        .collect();
    assert_eq!(columns.len(), changes.len(), "one column per change");
    assert_eq!(columns.into_iter().collect::<BTreeSet<_>>(), changes);
    // One coloured cell per patients.tsv row, with its status.
    let cells = elements_with_class(oncoprint, "op-cell");
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &cells {
        *by_status.entry(c["data-status"]).or_default() += 1;
    }
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &patients_tsv {
        *expected.entry(r["status"].as_str()).or_default() += 1;
    }
    assert_eq!(by_status, expected, "oncoprint cells by status");

    // Swimmer plot: a lane per patient, a mark per sample that passed QC.
    let swimmer = svg(&dom, "swimmer");
    let lanes = elements_with_class(swimmer, "lane");
    assert_eq!(
        sorted(lanes.iter().map(|l| l["data-patient"])),
        sorted(patients.iter().copied()),
        "swimmer lanes"
    );
    let marks = elements_with_class(swimmer, "mark");
    let passed = qc.iter().filter(|r| r["status"] == "ok");
    assert_eq!(
        sorted(marks.iter().map(|m| m["data-sample"])),
        sorted(passed.map(|r| r["sample"].as_str())),
        "swimmer marks"
    );
    // Every patient with an acquired mutation has a filled mark.
    let filled: BTreeSet<&str> = marks
        .iter()
        .filter(|m| m["data-acquired"] == "true")
        .map(|m| m["data-sample"])
        .collect();
    let sample_patient: HashMap<&str, &str> = qc
        .iter()
        .map(|r| (r["sample"].as_str(), r["patient"].as_str()))
        .collect();
    let acquired: BTreeSet<&str> = patients_tsv
        .iter()
        .filter(|r| r["status"] == "acquired")
        .map(|r| r["patient"].as_str())
        .collect();
    assert!(!acquired.is_empty());
    assert_eq!(
        filled
            .iter()
            .map(|s| sample_patient[s])
            .collect::<BTreeSet<_>>(),
        acquired,
        "patients with a filled swimmer mark"
    );

    // The other pictures are on the page too.
    for id in ["arms", "arms-by-change", "qc-heatmap"] {
        svg(&dom, id);
    }
    let heat_rows = elements_with_class(svg(&dom, "qc-heatmap"), "hm-row");
    assert_eq!(heat_rows.len(), qc.len(), "one heat-map row per sample");
    assert!(dom.contains("<section id=\"provenance\">"));
}

#[test]
fn console_lines_are_found_in_both_log_formats() {
    let log = "[1:2:1129/201100.1:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n\
               [1:1:1129/201101.0:INFO:CONSOLE:1] \"Error: <rect> attribute height: A negative value is not valid.\", source: file:///r.html (1)\n\
               [1:1:1129/201101.0:ERROR:CONSOLE(3)] \"boom\", source: file:///r.html (3)\n\
               Uncaught ReferenceError: f is not defined";
    assert_eq!(console_errors(log).len(), 3);
    let tags = elements_with_class(
        "<g class=\"lane x\" data-patient=\"P&amp;1\"><rect class=\"mark\" data-sample=\"S1\"/></g>",
        "mark",
    );
    assert_eq!((tags.len(), tags[0]["data-sample"]), (1, "S1"));
    assert_eq!(
        elements_with_class("<g class=\"lane x\" data-patient=\"P1\">", "lane")[0]["data-patient"],
        "P1"
    );
}
