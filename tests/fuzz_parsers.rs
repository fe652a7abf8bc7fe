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
