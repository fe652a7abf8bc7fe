//! The trainers' and recipes' registries: every entry is complete, parses from its own example,
//! serialises as configs always have, and the built-in suites keep their hashes.

use depthsep::recipe::{Knowledge, Recipe};
use depthsep::train::{Mode, Prose, TrainSettings, TrainerId};

/// Plain prose: names in backticks, citations as `[keys]`.
struct Plain;
impl Prose for Plain {
    fn code(&self, name: &str) -> String {
        format!("`{name}`")
    }
    fn cite(&self, keys: &[&str]) -> String {
        format!(" [{}]", keys.join("; "))
    }
    fn dash(&self) -> &'static str {
        "–"
    }
}

fn settings(example: &str) -> TrainSettings {
    toml::from_str(&format!("steps = 10\neval_every = 5\noptimizer = {example}")).unwrap()
}

#[test]
fn every_trainer_parses_from_its_example_validates_and_names_itself_in_its_methods_sentence() {
    for t in TrainerId::ALL {
        let info = t.info();
        let s = settings(info.example);
        assert_eq!(s.optimizer.id(), t, "{}'s example selects it", info.name);
        s.validate("shallow[0].train").unwrap_or_else(|e| panic!("{}: {e}", info.name));
        let sentence = s.optimizer.kind().methods(&Plain, s.steps, "an initialisation");
        assert!(sentence.starts_with(&format!("`{}`, ", info.name)), "{sentence}");
        for key in info.cites {
            assert!(sentence.contains(key), "{}'s sentence cites {key}: {sentence}", info.name);
        }
        // A step trainer gives a step trainer, a sweep trainer does not (and says it sweeps).
        let step = s.trainer(10, 1);
        assert_eq!(step.is_some(), info.mode == Mode::Step, "{}", info.name);
        assert_eq!(s.optimizer.sweeps(), info.mode == Mode::Sweep);
        assert_eq!(s.optimizer.gradient().is_some(), info.gradient, "{}", info.name);
    }
}

#[test]
fn optimizers_serialise_with_the_kind_first_and_the_fields_in_config_order() {
    let json = |example: &str| serde_json::to_string(&settings(example).optimizer).unwrap();
    assert_eq!(
        json(TrainerId::Adam.info().example),
        r#"{"kind":"adam","lr":0.01,"schedule":{"kind":"cosine","final_frac":0.0},"batch":null}"#
    );
    assert_eq!(
        json(TrainerId::Hybrid.info().example),
        r#"{"kind":"hybrid","lr":0.001,"schedule":{"kind":"cosine","final_frac":0.01},"batch":null,"lsq_every":100}"#
    );
    assert_eq!(json(TrainerId::Lm.info().example), r#"{"kind":"lm"}"#);
    assert_eq!(
        json(TrainerId::Freeknot.info().example),
        r#"{"kind":"freeknot","window":4,"local_iters":40,"global_iters":40}"#
    );
    assert_eq!(json(TrainerId::Greedy.info().example), r#"{"kind":"greedy","candidates":32,"global_iters":6}"#);
    // Unknown fields are still refused, naming the field.
    let e = toml::from_str::<TrainSettings>("optimizer = { kind = \"lm\", lr = 1 }").unwrap_err().to_string();
    assert!(e.contains("unknown field `lr`"), "{e}");
    let e = toml::from_str::<TrainSettings>("optimizer = { kind = \"nadam\" }").unwrap_err().to_string();
    assert!(e.contains("nadam") && e.contains("adam") && e.contains("greedy"), "{e}");
}

#[test]
fn the_built_in_suites_hash_as_their_committed_results_do() {
    for (suite, doc) in [
        ("full", "reports/results.json"),
        ("landmarks", "reports/landmarks/results.json"),
        ("sup", "reports/sup/results.json"),
    ] {
        let cfg = depthsep::suite::load_suite(suite).unwrap();
        let committed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(doc).unwrap()).unwrap();
        assert_eq!(cfg.hash(), committed["config_hash"].as_str().unwrap(), "{suite}: the config hash moved");
    }
}

#[test]
fn every_recipe_declares_its_kind_and_phrase_and_round_trips_by_name() {
    for r in Recipe::ALL {
        let info = r.info();
        assert_eq!(info.id, r);
        assert_eq!(serde_json::to_value(r).unwrap(), info.name);
        assert!(!r.spec().methods(&Plain).is_empty() && !info.why.is_empty());
        assert_eq!(r.structure_aware(), info.knowledge == Knowledge::StructureAware);
    }
    assert_eq!(Recipe::ALL.iter().filter(|r| r.structure_aware()).count(), 2, "the two triangle recipes");
}
