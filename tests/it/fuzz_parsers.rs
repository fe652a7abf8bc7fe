//! Arbitrary bytes and arbitrary TOML/JSON values never panic the config and results parsers:
//! they always end in a clear error (or, for a valid document, a value).

use depthsep::results::Results;
use depthsep::suite::{RunLog, SuiteConfig, builtin};
use proptest::prelude::*;

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        "[a-z_]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![Just("schema_version".to_string()), Just("targets".to_string()), "[a-z_]{1,10}"],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic_the_config_parser(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = SuiteConfig::from_toml(&text, "fuzz.toml").map_err(|e| assert!(e.to_string().starts_with("config")));
    }

    #[test]
    fn mutated_configs_never_panic_and_errors_name_a_field(cut in 0usize..1200, junk in "[ -~]{0,20}") {
        let base = builtin("tiny").unwrap();
        let cut = cut.min(base.len());
        let cut = (0..=cut).rev().find(|&c| base.is_char_boundary(c)).unwrap();
        let text = format!("{}{}{}", &base[..cut], junk, &base[cut..]);
        if let Err(e) = SuiteConfig::from_toml(&text, "fuzz.toml") {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn arbitrary_json_values_never_panic_the_results_reader(v in json_value()) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("results.json");
        std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
        let e = Results::read(&p).expect_err("random JSON is not a results document");
        let msg = format!("{e:#}");
        prop_assert!(msg.contains("results.json"), "{}", msg);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_results_reader_or_the_run_log(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("results.json");
        std::fs::write(&p, &bytes).unwrap();
        prop_assert!(Results::read(&p).is_err());
        let log = dir.path().join("runs.jsonl");
        std::fs::write(&log, &bytes).unwrap();
        let _ = RunLog::open(&log, "0123456789abcdef");
    }
}

/// A valid results document (the tiny suite's), made once.
fn tiny_document() -> &'static serde_json::Value {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cfg = depthsep::suite::load_suite("tiny").unwrap();
        let opts =
            depthsep::suite::RunOptions { out: dir.path().to_path_buf(), threads: 2, progress: false, shard: None };
        serde_json::to_value(depthsep::suite::run_suite(&cfg, &opts).unwrap()).unwrap()
    })
}

/// Walk `path` (indices taken modulo each container's size) and replace what is there.
fn mutate(v: &mut serde_json::Value, path: &[usize], new: serde_json::Value, delete: bool) {
    let Some((&i, rest)) = path.split_first() else {
        *v = new;
        return;
    };
    match v {
        serde_json::Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(i % map.len()).unwrap().clone();
            if rest.is_empty() && delete {
                map.remove(&key);
            } else {
                mutate(map.get_mut(&key).unwrap(), rest, new, delete);
            }
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            let j = i % items.len();
            if rest.is_empty() && delete {
                items.remove(j);
            } else {
                mutate(&mut items[j], rest, new, delete);
            }
        }
        _ => *v = new,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn hand_edited_results_never_panic_the_reader_or_the_report(
        path in prop::collection::vec(any::<usize>(), 1..8),
        new in prop_oneof![json_value(), Just(serde_json::json!([])), Just(serde_json::json!(0))],
        delete in any::<bool>()
    ) {
        let mut doc = tiny_document().clone();
        mutate(&mut doc, &path, new, delete);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("results.json");
        std::fs::write(&p, serde_json::to_string(&doc).unwrap()).unwrap();
        match Results::read(&p) {
            // A document that passes the checks must render or fail with an error, never panic.
            Ok(r) => { let _ = depthsep::report::render_all(&r); }
            Err(e) => {
                let msg = format!("{e:#}");
                prop_assert!(msg.contains("results.json"), "{}", msg);
            }
        }
    }
}

/// Edits that break an invariant the report relies on (the first panics a report drawn from an
/// unchecked document; the others make it fail late or draw a net that is not the one run): each
/// is refused on reading, naming the field.
#[test]
fn edits_that_break_report_invariants_are_refused_naming_the_field() {
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 5] = [
        (
            "empty hidden layers",
            |d| d["targets"][0]["references"][1]["hidden"] = serde_json::json!([]),
            "references[1].hidden",
        ),
        (
            "short weights",
            |d| {
                d["targets"][1]["references"][0]["weights"].as_array_mut().unwrap().pop();
            },
            "references[0].weights",
        ),
        (
            "width zero",
            |d| d["targets"][0]["shallow_runs"][0]["hidden"] = serde_json::json!([0]),
            "shallow_runs[0].hidden",
        ),
        ("unknown target", |d| d["targets"][2]["target"]["k"] = serde_json::json!(0), "targets[2].target"),
        (
            "matched weights of a censored search",
            |d| {
                let s = &mut d["targets"][0]["references"][0]["searches"][0];
                s["m_star"] = serde_json::json!({"kind": "censored", "m_max": 32});
            },
            "matched_weights",
        ),
    ];
    for (what, edit, field) in cases {
        let mut doc = tiny_document().clone();
        edit(&mut doc);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("results.json");
        std::fs::write(&p, serde_json::to_string(&doc).unwrap()).unwrap();
        let e = format!("{:#}", Results::read(&p).expect_err(what));
        assert!(e.contains(field) && e.contains("results.json"), "{what}: {e}");
    }
}
